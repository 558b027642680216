import type { CliIO } from './io.js';

export interface ProgressBar {
  update(label: string, done: number, total: number): void;
  clear(): void;
}

/** A one-line progress bar on stderr, for terminals (`io.interactive`). */
export function progressBar(io: CliIO): ProgressBar {
  let last = '';
  return {
    update(label, done, total) {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const line = `${label.padEnd(14)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
      if (line !== last) io.stderr.write(`\r${line}`);
      last = line;
    },
    clear() {
      if (last !== '') io.stderr.write(`\r${' '.repeat(last.length)}\r`);
      last = '';
    },
  };
}

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** BENCHMARKS.md at the repository root. */
const BENCHMARKS_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../BENCHMARKS.md');

/**
 * Replaces the text between `<!-- bench:<section> -->` and `<!-- /bench:<section> -->` in BENCHMARKS.md
 * (appending the section if it is not there), so each benchmark owns its own part of the file.
 */
export function updateBenchmarksSection(section: string, markdown: string): void {
  const start = `<!-- bench:${section} -->`;
  const end = `<!-- /bench:${section} -->`;
  const current = existsSync(BENCHMARKS_PATH) ? readFileSync(BENCHMARKS_PATH, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = current.indexOf(start);
  const j = current.indexOf(end);
  const next = i >= 0 && j > i ? current.slice(0, i) + block + current.slice(j + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_PATH, next);
}

/** One line describing the machine, for the top of each section. */
export function machineLine(): string {
  return `Node ${process.version}, ${process.platform}/${process.arch}, measured ${new Date().toISOString().slice(0, 10)}`;
}

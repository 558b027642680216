// Sums the vitest "Tests" lines of a `pnpm test` log into one closing line: "N passed, N failed[, N skipped]".
import { readFileSync } from 'node:fs';

// oxlint-disable-next-line no-control-regex -- strips ANSI colour codes (ESC [ … m)
const log = readFileSync(process.argv[2] ?? 0, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
let suites = 0;
for (const line of log.split('\n')) {
  const m = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!m) continue;
  suites++;
  for (const part of (m[1] ?? '').split('|')) {
    const n = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part);
    if (!n) continue;
    const count = Number(n[1]);
    if (n[2] === 'passed') passed += count;
    else if (n[2] === 'failed') failed += count;
    else skipped += count;
  }
}
if (suites === 0) {
  process.stdout.write('test-summary: no vitest "Tests" lines found in the log\n0 passed, 1 failed\n');
  process.exit(1);
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);

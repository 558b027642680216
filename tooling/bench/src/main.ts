import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * `pnpm bench [section…]`: runs each benchmark in its own Node process (so one's heap and JIT state
 * do not skew another's), in order. Each writes its own section of BENCHMARKS.md.
 */
const SECTIONS = ['transfers', 'stores', 'nlu', 'smallbots', 'routing', 'cluster', 'http'] as const;

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(SECTIONS as readonly string[]).includes(w));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}\n`);
  process.exit(2);
}
let failed = 0;
for (const section of wanted.length > 0 ? wanted : SECTIONS) {
  process.stdout.write(`\n=== bench: ${section} ===\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', join(here, `${section}.js`)], { stdio: 'inherit', env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`bench: ${section} exited with ${result.status ?? result.signal}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);

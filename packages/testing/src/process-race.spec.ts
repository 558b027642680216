import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { raceProcesses } from './process-race.js';

const dir = mkdtempSync(join(tmpdir(), 'bottango-race-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each child marks each phase with a file, then checks at the next barrier that every other child has marked it too. */
const PHASES = `
import { existsSync, writeFileSync } from 'node:fs';
const { DIR, WHO, OTHERS } = process.env;
await barrier();
for (let phase = 0; phase < 3; phase++) {
  // The first child dawdles, so without a working barrier the others would run ahead of it.
  if (WHO === 'c0') await new Promise((resolve) => setTimeout(resolve, 150));
  writeFileSync(DIR + '/' + WHO + '-' + phase, '');
  await barrier();
  for (const other of OTHERS.split(',')) if (!existsSync(DIR + '/' + other + '-' + phase)) throw new Error(WHO + ' passed barrier ' + phase + ' before ' + other);
}
console.log('done ' + WHO);
`;

describe('raceProcesses', () => {
  it("holds every child at each barrier until all have reached it", async () => {
    const script = join(dir, 'phases.mjs');
    writeFileSync(script, PHASES);
    const names = ['c0', 'c1', 'c2'];
    const results = await raceProcesses(script, names.map((who) => ({ DIR: dir, WHO: who, OTHERS: names.filter((n) => n !== who).join(',') })));
    expect(results.map((r) => [r.code, r.stderr])).toEqual(names.map(() => [0, '']));
    expect(results.map((r) => r.stdout.trim().split('\n').at(-1))).toEqual(['done c0', 'done c1', 'done c2']);
  });

  it('does not hold the others when one child exits before a barrier', async () => {
    const script = join(dir, 'early-exit.mjs');
    writeFileSync(script, `await barrier();\nif (process.env.WHO === 'quitter') process.exit(3);\nawait barrier();\nconsole.log('through');\n`);
    const results = await raceProcesses(script, [{ WHO: 'quitter' }, { WHO: 'stayer' }]);
    expect(results.map((r) => r.code)).toEqual([3, 0]);
    expect(results[1]!.stdout).toContain('through');
  });
});

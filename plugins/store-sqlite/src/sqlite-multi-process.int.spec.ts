import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceProcesses, raceStateIncrements } from '@bottango/testing';
import { SqliteContextStore } from './sqlite-context-store.js';
import { SqliteConversationStateStore } from './sqlite-conversation-state-store.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'bottango-sqlite-mp-'));
const PER_PROCESS = 250;

/** A child process that increments one counter by compare-and-set and writes another key plainly, PER_PROCESS times each. */
const CHILD = `
const { SqliteContextStore } = await import(process.env.STORE_URL);
const store = new SqliteContextStore({ path: process.env.DB_PATH });
await store.registerNamespace('counters');
const scope = { kind: 'global' };
await barrier(); // start together (raceProcesses defines barrier)
let conflicts = 0;
for (let i = 0; i < ${PER_PROCESS}; i++) {
  for (let attempt = 0; ; attempt++) {
    const current = await store.get('counters', scope, 'cas');
    // The first increment: both have read before either writes, so one write must conflict.
    if (i === 0 && attempt === 0) await barrier();
    else await new Promise((resolve) => setImmediate(resolve)); // widen the window between read and write
    try {
      await store.set('counters', scope, 'cas', (current?.value ?? 0) + 1, { expectedVersion: current?.version ?? 0 });
      break;
    } catch (error) {
      if (error.code !== 'VERSION_CONFLICT') throw error;
      conflicts++;
    }
  }
  await store.set('counters', { kind: 'user', userId: process.env.WHO }, 'n', i);
  await store.set('counters', scope, 'plain', process.env.WHO + i);
}
await store.close();
process.stdout.write(JSON.stringify({ conflicts }) + '\\n');
`;

function runChild(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  // The children run the built package, so make sure dist is current.
  const tsc = spawnSync(join(packageDir, 'node_modules/.bin/tsc'), ['-b'], { cwd: packageDir, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc -b failed in ${packageDir}:\n${tsc.stdout}${tsc.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteContextStore shared by two processes', () => {

  it('loses no write when two processes write one file at once (CAS counter ends at exactly 2N)', async () => {
    const path = join(dir, 'shared.sqlite');
    const script = join(dir, 'child.mjs');
    writeFileSync(script, CHILD);
    const env = { STORE_URL: pathToFileURL(join(packageDir, 'dist/index.js')).href, DB_PATH: path };
    const results = await raceProcesses(script, [
      { ...env, WHO: 'a' },
      { ...env, WHO: 'b' },
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const conflicts = results.map((r) => (JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { conflicts: number }).conflicts);
    // Proof that the two processes really raced on the counter (else this test shows nothing); the barrier makes it certain.
    expect(conflicts[0]! + conflicts[1]!, 'the two processes did not overlap').toBeGreaterThan(0);

    const store = new SqliteContextStore({ path });
    expect(await store.get('counters', { kind: 'global' }, 'cas')).toEqual({ value: 2 * PER_PROCESS, version: 2 * PER_PROCESS });
    expect((await store.get('counters', { kind: 'global' }, 'plain'))?.version).toBe(2 * PER_PROCESS);
    expect(await store.get('counters', { kind: 'user', userId: 'a' }, 'n')).toEqual({ value: PER_PROCESS - 1, version: PER_PROCESS });
    expect(await store.get('counters', { kind: 'user', userId: 'b' }, 'n')).toEqual({ value: PER_PROCESS - 1, version: PER_PROCESS });
    await store.close();
  });

  it('keeps a committed write when the writing process is killed right after it', async () => {
    const path = join(dir, 'killed.sqlite');
    const script = join(dir, 'killed.mjs');
    writeFileSync(
      script,
      `const { SqliteContextStore } = await import(process.env.STORE_URL);
const store = new SqliteContextStore({ path: process.env.DB_PATH });
await store.registerNamespace('crash');
await store.set('crash', { kind: 'conversation', conversationId: 'c1' }, 'order', { id: 42 });
process.kill(process.pid, 'SIGKILL');`,
    );
    const result = await runChild(script, { STORE_URL: pathToFileURL(join(packageDir, 'dist/index.js')).href, DB_PATH: path });
    expect(result.code).toBeNull(); // killed, no clean close
    const store = new SqliteContextStore({ path });
    expect(await store.get('crash', { kind: 'conversation', conversationId: 'c1' }, 'order')).toEqual({ value: { id: 42 }, version: 1 });
    await store.close();
  });
});

describe('SqliteConversationStateStore shared by two processes', () => {
  it('loses no turn when two processes load, change and save one conversation at once (200 increments each)', async () => {
    const path = join(dir, 'state-race.sqlite');
    const { conflicts } = await raceStateIncrements({
      moduleUrl: pathToFileURL(join(packageDir, 'dist/index.js')).href,
      openStore: 'new m.SqliteConversationStateStore({ path: process.env.DB_PATH })',
      env: { DB_PATH: path },
      conversationId: 'raced',
      increments: 200,
    });
    console.info(`SQLite state race: ${conflicts.join(' + ')} version conflicts retried`);
    // Proof that the two processes really raced (else this test shows nothing).
    expect(conflicts[0]! + conflicts[1]!, 'the two processes did not overlap').toBeGreaterThan(0);
    const store = new SqliteConversationStateStore({ path });
    const state = await store.load('raced');
    expect(state).toMatchObject({ turns: 400, version: 400 });
    expect(state?.transcript).toHaveLength(400);
    await store.close();
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` (an ES module file) in one Node process per entry of `envs`, all at once: each child prints
 * `ready` when it is set up and waits for a line on stdin, which every child gets only once all are ready.
 * Resolves with each child's exit code and output, in the order of `envs`.
 */
export async function raceProcesses(script: string, envs: readonly Readonly<Record<string, string>>[]): Promise<ProcessResult[]> {
  const children = envs.map((env) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready\n')) markReady();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<ProcessResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        markReady(); // a child that died early must not hold up the others
        resolve({ code, stdout, stderr });
      });
    });
    return { child, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin.end('go\n');
  return Promise.all(children.map((c) => c.done));
}

export interface StateIncrementRaceOptions {
  /** URL of the ES module the children import (the store package's built entry), as `m`. */
  readonly moduleUrl: string;
  /** JavaScript expression evaluated in each child that gives (or resolves to) the store, e.g. `new m.MyStateStore({ path: process.env.DB })`. */
  readonly openStore: string;
  readonly conversationId: string;
  /** Extra environment of the children. */
  readonly env?: Readonly<Record<string, string>>;
  /** Default 2. */
  readonly processes?: number;
  /** Increments of `turns` per process. Default 200. */
  readonly increments?: number;
}

const INCREMENT_CHILD = `
const m = await import(process.env.RACE_MODULE_URL);
const store = await (__OPEN_STORE__);
const id = process.env.RACE_CONVERSATION_ID;
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();
let conflicts = 0;
for (let i = 0; i < Number(process.env.RACE_INCREMENTS); i++) {
  for (;;) {
    const state = (await store.load(id)) ?? { id, userId: 'race', ownerBotId: 'race', dialogStack: [], variables: {}, pendingTangoContext: {}, escalationFailures: 0, transcript: [], turns: 0 };
    // Widen the window between load and save, so the processes interleave even on a busy machine.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
    state.turns++;
    state.transcript.push({ from: 'user', text: process.env.RACE_WHO + ' ' + i });
    try {
      await store.save(state);
      break;
    } catch (error) {
      if (error.code !== 'VERSION_CONFLICT') throw error;
      conflicts++;
    }
  }
}
await store.close?.();
process.stdout.write(JSON.stringify({ conflicts }) + '\\n');
`;

/**
 * Several processes apply `increments` increments each of `turns` to one conversation of a ConversationStateStore by
 * load → modify → save, retrying on VERSION_CONFLICT (the way the runtime uses a store). Resolves with the conflicts
 * each process met; the caller checks the final state (with no lost update, `turns` = processes × increments).
 */
export async function raceStateIncrements(options: StateIncrementRaceOptions): Promise<{ conflicts: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bottango-state-race-'));
  try {
    const script = join(dir, 'child.mjs');
    writeFileSync(script, INCREMENT_CHILD.replace('__OPEN_STORE__', () => options.openStore));
    const env = { ...options.env, RACE_MODULE_URL: options.moduleUrl, RACE_CONVERSATION_ID: options.conversationId, RACE_INCREMENTS: String(options.increments ?? 200) };
    const results = await raceProcesses(
      script,
      Array.from({ length: options.processes ?? 2 }, (_, i) => ({ ...env, RACE_WHO: `p${i}` })),
    );
    const failed = results.find((r) => r.code !== 0);
    if (failed) throw new Error(`a racing process exited with ${String(failed.code)}:\n${failed.stderr}`);
    return { conflicts: results.map((r) => (JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { conflicts: number }).conflicts) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

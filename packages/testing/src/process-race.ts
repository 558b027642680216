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
 * Defines `barrier()` in each child: it prints `ready` and resolves when the parent answers `go`, which the parent
 * does only once every child still running has reached that barrier. Loaded with `--import`, before the script.
 */
const BARRIER_PRELUDE = `
let buffered = 0;
const waiting = [];
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
    pending = pending.slice(i + 1);
    const next = waiting.shift();
    if (next) next(); else buffered++;
  }
  if (waiting.length === 0) process.stdin.unref?.();
});
process.stdin.unref?.();
globalThis.barrier = () => {
  process.stdout.write('ready\\n');
  if (buffered > 0) { buffered--; return Promise.resolve(); }
  process.stdin.ref?.();
  return new Promise((resolve) => waiting.push(resolve));
};
`;

/**
 * Runs `script` (an ES module file) in one Node process per entry of `envs`, all at once. The script may call
 * `await barrier()` (a global defined for it) any number of times: every child's n-th call returns only once all
 * children still running have made their n-th call. Call it once after set-up to start together, and again
 * between a read and a write to make the processes collide for certain rather than by luck of scheduling.
 * Resolves with each child's exit code and output, in the order of `envs`.
 */
export async function raceProcesses(script: string, envs: readonly Readonly<Record<string, string>>[]): Promise<ProcessResult[]> {
  const prelude = `data:text/javascript,${encodeURIComponent(BARRIER_PRELUDE)}`;
  const children = envs.map((env) => {
    const child = spawn(process.execPath, ['--import', prelude, script], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const state = { stdout: '', stderr: '', reached: 0, released: 0, exited: false };
    child.stdout.on('data', (chunk: Buffer) => {
      state.stdout += chunk.toString();
      state.reached = state.stdout.match(/^ready$/gm)?.length ?? 0;
      releaseBarriers();
    });
    child.stderr.on('data', (chunk: Buffer) => (state.stderr += chunk.toString()));
    child.stdin.on('error', () => undefined); // a child that exited closes its stdin; nothing to tell it any more
    const done = new Promise<ProcessResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        state.exited = true; // a child that ended must not hold up the others
        releaseBarriers();
        resolve({ code, stdout: state.stdout, stderr: state.stderr });
      });
    });
    return { child, state, done };
  });
  function releaseBarriers(): void {
    const running = children.filter((c) => !c.state.exited);
    if (running.length === 0) return;
    const allReached = Math.min(...running.map((c) => c.state.reached));
    for (const c of running) {
      for (; c.state.released < allReached; c.state.released++) c.child.stdin.write('go\n');
    }
  }
  const results = await Promise.all(children.map((c) => c.done));
  for (const c of children) c.child.stdin.destroy();
  return results;
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
await barrier();
let conflicts = 0;
for (let i = 0; i < Number(process.env.RACE_INCREMENTS); i++) {
  for (let attempt = 0; ; attempt++) {
    const state = (await store.load(id)) ?? { id, userId: 'race', ownerBotId: 'race', dialogStack: [], variables: {}, pendingTangoContext: {}, escalationFailures: 0, transcript: [], turns: 0 };
    // The first increment: everyone has loaded before anyone saves, so at least one save must conflict.
    if (i === 0 && attempt === 0) await barrier();
    // Widen the window between load and save, so the processes keep interleaving on a busy machine.
    else await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
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

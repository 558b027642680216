import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The child processes of `pnpm bench cluster`: the `bottango agent` processes. Every child is
 * SIGKILLed when the bench process exits, whatever the reason, so none outlives it.
 */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** The last 64 KiB of its stdout and stderr. */
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: () => boolean;
}

const OUTPUT_KEPT = 64 * 1024;
const children = new Set<Child>();

process.once('exit', () => {
  for (const child of children) if (child.alive()) child.process.kill('SIGKILL');
});

export function spawnChild(name: string, command: string, args: readonly string[], cwd: string): Child {
  const proc = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 2 * OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const alive = (): boolean => proc.exitCode === null && proc.signalCode === null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
    proc.once('error', (error: NodeJS.ErrnoException) => {
      output += `\n${error.code === 'ENOENT' ? `${command} is not installed` : error.message}\n`;
      resolve({ code: null, signal: null });
    });
  });
  const child: Child = { name, process: proc, output: () => output.slice(-OUTPUT_KEPT), exited, alive };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
export async function stopChild(child: Child, graceMs = 3_000): Promise<void> {
  if (child.alive()) child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.alive() && child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Waits until `ready()` holds; fails with the child's output when it exits first or `timeoutMs` passes. */
export async function waitFor(child: Child, what: string, ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (!child.alive() || Date.now() > deadline) {
      throw new Error(`${child.name}: ${child.alive() ? `not ${what} after ${timeoutMs} ms` : `exited before it was ${what}`}:\n${child.output().slice(-4_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

import { PassThrough } from 'node:stream';
import { main } from '../cli.js';
import type { CliIO } from '../io.js';

/** In-memory terminal for CLI tests: what the command writes is read back with `out()` / `err()`. */
export function fakeIO(cwd: string, options: { interactive?: boolean; input?: string } = {}): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  return { stdout, stderr, interactive: options.interactive ?? false, cwd, stdin, out: () => out, err: () => err };
}

/** Runs `bottango <args>` in `cwd` with `input` on stdin. */
export async function runCli(args: readonly string[], cwd: string, input?: string): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIO(cwd, input === undefined ? {} : { input });
  const code = await main([...args], io);
  return { code, out: io.out(), err: io.err() };
}

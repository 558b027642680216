import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const INSTALL_HINT =
  'redis-server is not installed, and REDIS_URL is not set. Install it (Debian/Ubuntu: `sudo apt-get update && sudo apt-get install -y redis-server`; ' +
  'macOS: `brew install redis`), or point REDIS_URL at a running server (e.g. `export REDIS_URL=$(scripts/redis.sh start)`).';

/** A redis-server child process in its own temp directory, on a free loopback port. */
export interface TestRedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** `redis-server --version`'s version, e.g. `7.0.15`. */
  readonly version: string;
  /** Process ID of the running server (undefined while it is down). */
  pid(): number | undefined;
  /** SIGKILL: no shutdown, no final save — a crash. */
  kill(): Promise<void>;
  /** Starts redis-server again on the same port and directory (so it reloads its AOF). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** How the append-only file is written: `always` (every write on disk before it is answered) or `everysec`. */
export type AppendFsync = 'always' | 'everysec';

function launch(port: number, dir: string, appendOnly: AppendFsync | false): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--loglevel', 'warning', '--logfile', ''];
  if (appendOnly) args.push('--appendonly', 'yes', '--appendfsync', appendOnly);
  else args.push('--appendonly', 'no');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${port} within 10 s:\n${output}`));
    }, 10_000);
    const poll = setInterval(() => {
      const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
      if (ping.stdout.trim() === 'PONG') {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(child);
      }
    }, 50);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? new Error(INSTALL_HINT) : error);
    });
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
}

/**
 * Starts a throwaway redis-server; fails with an install hint when redis-server is missing. `appendOnly: true` is an
 * AOF with fsync `always`; `appendFsync` picks another policy.
 */
export async function startTestRedisServer(options: { appendOnly?: boolean; appendFsync?: AppendFsync } = {}): Promise<TestRedisServer> {
  if (!redisServerInstalled()) throw new Error(INSTALL_HINT);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bottango-redis-'));
  const appendOnly: AppendFsync | false = options.appendFsync ?? (options.appendOnly ? 'always' : false);
  const version = /v=(\S+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  let child: ChildProcess | undefined = await launch(port, dir, appendOnly);
  const exited = (c: ChildProcess): Promise<void> =>
    c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((resolve) => c.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    dir,
    version,
    pid: () => child?.pid,
    async kill() {
      if (!child) return;
      const c = child;
      child = undefined;
      c.kill('SIGKILL');
      await exited(c);
    },
    async restart() {
      if (child) throw new Error('redis-server is still running');
      child = await launch(port, dir, appendOnly);
    },
    async stop() {
      if (child) {
        const c = child;
        child = undefined;
        c.kill('SIGTERM');
        await exited(c);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** REDIS_URL when set (CI runs scripts/redis.sh), else a server of our own. */
export async function redisForTests(): Promise<{ url: string; stop: () => Promise<void> }> {
  const fromEnv = process.env['REDIS_URL'];
  if (fromEnv) return { url: fromEnv, stop: async () => undefined };
  const server = await startTestRedisServer();
  return { url: server.url, stop: () => server.stop() };
}

/** Unlinks every key under `prefix` (leaves a shared server, REDIS_URL, as the tests found it). */
export async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** After a spec file: deletes its keys under `prefix`, then stops the server if it was our own. */
export async function cleanUpAndStop(server: Promise<{ url: string; stop: () => Promise<void> }>, prefix: string): Promise<void> {
  const { url, stop } = await server;
  try {
    await deleteKeysUnder(url, prefix);
  } finally {
    await stop();
  }
}

// Test support for the browser tests: the real bottango-server as a process, a front that serves the console next to
// the API (and can cut every connection, to drop the event stream), and Debian's Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const artifactsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../test-artifacts');
const chromiumPath = process.env.BOTTANGO_CHROMIUM ?? '/usr/bin/chromium';
const serverMain = join(repoRoot, 'apps/server/dist/main.js');

/** The built package's `consoleDir` (from dist, the way the server finds it). */
export async function builtConsoleDir(): Promise<string> {
  const built = (await import('../dist/index.js')) as { consoleDir: string };
  return built.consoleDir;
}

export interface RunningServer {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `bottango-server --bots apps/demo/bots --port 0` and waits for its listening line. */
export async function startBottangoServer(extraArgs: readonly string[] = [], extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(serverMain)) throw new Error(`${serverMain} is missing: build the server first (pnpm build)`);
  const child = spawn(process.execPath, [serverMain, '--bots', 'apps/demo/bots', '--port', '0', ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`bottango-server did not print its listening line in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /bottango-server listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bottango-server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 8000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};
const STATIC_FILES = new Set(['/', '/index.html', '/app.js', '/app.js.map', '/styles.css']);

export interface ConsoleFront {
  readonly url: string;
  /** True when the server itself serves the console at `/`; false when this front serves `consoleDir`. */
  readonly servedByServer: boolean;
  /** Cuts every open connection between the browser and the server (the event stream drops). */
  dropConnections(): number;
  /** While true, every new connection is cut at once (the server looks unreachable to the browser). */
  refuseConnections(refuse: boolean): void;
  close(): Promise<void>;
}

/** A front on a free loopback port: passes every request to the server; serves the console when the server does not. */
export async function startConsoleFront(upstream: string): Promise<ConsoleFront> {
  const servedByServer = await serverServesConsole(upstream);
  const consoleDir = await builtConsoleDir();
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!servedByServer && req.method === 'GET' && STATIC_FILES.has(path)) {
      const file = join(consoleDir, path === '/' ? 'index.html' : path.slice(1));
      readFile(file).then(
        (body) => res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end(),
      );
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  let refusing = false;
  server.on('connection', (socket) => {
    if (refusing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    servedByServer,
    refuseConnections: (refuse) => {
      refusing = refuse;
    },
    dropConnections: () => {
      const count = sockets.size;
      for (const socket of sockets) socket.destroy();
      return count;
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

async function serverServesConsole(upstream: string): Promise<boolean> {
  try {
    const answer = await fetch(`${upstream}/`);
    return answer.ok && (answer.headers.get('content-type') ?? '').includes('text/html') && (await answer.text()).includes('<title>Bottango console</title>');
  } catch {
    return false;
  }
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (or set BOTTANGO_CHROMIUM)`);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** What the running server offers beyond the original API (the new API adds tokens and the context endpoint). */
export interface ServerCapabilities {
  readonly conversationTokens: boolean;
  readonly contextEndpoint: boolean;
}

export async function probeServer(upstream: string): Promise<ServerCapabilities> {
  const opened = await fetch(`${upstream}/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ botId: 'concierge' }),
  });
  const body = (await opened.json()) as { conversationId: string; token?: string };
  const headers: Record<string, string> = body.token ? { authorization: `Bearer ${body.token}` } : {};
  const context = await fetch(`${upstream}/conversations/${body.conversationId}/context`, { headers });
  return { conversationTokens: typeof body.token === 'string', contextEndpoint: context.ok };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedisServer } from '@bottango/testing/redis';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAIN = resolve(HERE, '../dist/main.js');
const DEMO_BOTS = resolve(HERE, '../../demo/bots');

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
let tmp: string;
let bots: string;

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (pnpm turbo run build --filter=@bottango/server...)`);
  tmp = mkdtempSync(join(tmpdir(), 'bottango-server-main-'));
  // A copy of the demo bots, so the trained-model cache goes to the temp folder, not into the repository.
  bots = join(tmp, 'bots');
  cpSync(DEMO_BOTS, bots, { recursive: true, filter: (src) => basename(src) !== '.bottango' });
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BOTTANGO_API_KEYS: '', ...env } });
  children.push(child);
  const result: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((r) => child.once('exit', (code, signal) => r({ code, signal }))),
  };
  child.stdout?.on('data', (c: Buffer) => (result.stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (result.stderr += c.toString()));
  return result;
}

async function listening(server: Run): Promise<string> {
  const end = Date.now() + 20_000;
  for (;;) {
    const match = /^bottango-server listening on (http:\/\/\S+) \(4 bots: billing, concierge, human-desk, tech\)$/m.exec(server.stdout);
    if (match?.[1]) return match[1];
    if (server.child.exitCode !== null || Date.now() > end) throw new Error(`no listening line; stdout: ${server.stdout}\nstderr: ${server.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('bottango-server (a real process)', () => {
  it('serves the demo bots, then stops cleanly on SIGTERM with exit code 0, ending open event streams', async () => {
    const server = run(['--bots', bots, '--port', '0']);
    const url = await listening(server);
    expect(server.stdout.trim().split('\n')).toHaveLength(1);
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const started = (await (await fetch(`${url}/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"botId":"concierge"}' })).json()) as { conversationId: string; token: string };
    const stream = await fetch(`${url}/conversations/${started.conversationId}/events?access_token=${started.token}`);
    expect(stream.status).toBe(200);
    const streamText = stream.text();

    server.child.kill('SIGTERM');
    expect(await server.exit).toEqual({ code: 0, signal: null });
    expect(await streamText).toContain(`: events of conversation ${started.conversationId}`);
    expect(server.stderr).toContain('bottango-server: SIGTERM, shutting down');
  });

  it('exits 2 on an unknown flag, naming it, with the usage', async () => {
    const server = run(['--bots', bots, '--prot', '80']);
    expect((await server.exit).code).toBe(2);
    expect(server.stderr).toContain("bottango-server: Unknown option '--prot'");
    expect(server.stderr).toContain('Usage: bottango-server --bots <dir>');
    expect(server.stdout).toBe('');
  });

  it('exits 2 on a bad --port, --store or --state value and when --bots is missing', async () => {
    const [port, store, missing, state] = [run(['--bots', bots, '--port', 'http']), run(['--bots', bots, '--store', 'postgres://x']), run([]), run(['--bots', bots, '--state', 'sqlite:'])];
    expect((await port.exit).code).toBe(2);
    expect(port.stderr).toContain('bottango-server: --port must be a whole number from 0 to 65535, got "http"');
    expect((await store.exit).code).toBe(2);
    expect(store.stderr).toContain('bottango-server: --store: store "postgres://x" is not understood');
    expect((await missing.exit).code).toBe(2);
    expect(missing.stderr).toContain('bottango-server: --bots <dir> is required');
    expect((await state.exit).code).toBe(2);
    expect(state.stderr).toContain('bottango-server: --state: state "sqlite:": sqlite needs a file path');
  });

  it('exits 2 naming the file, line and field of a bad project file', async () => {
    const config = join(tmp, 'bad.config.yaml');
    writeFileSync(config, 'plugins:\n  - package: 42\n');
    const server = run(['--bots', bots, '--config', config, '--port', '0']);
    expect((await server.exit).code).toBe(2);
    expect(server.stderr).toContain(`${config}:2:5 plugins[0].package: expected a string, got the number 42`);
  });

  it('prints the usage on --help and exits 0', async () => {
    const help = run(['--help']);
    expect((await help.exit).code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bottango-server --bots <dir> \[--config <file>\] \[--plugin <pkg>…\] \[--store memory\|sqlite:<path>\|redis:\/\/host:port\] \[--state …\] \[--transport redis:\/\/…\] \[--port 8080\] \[--host 127\.0\.0\.1\]/);
  });

  it('exits 1 when the bots folder does not exist or the store is unreachable', async () => {
    const noBots = run(['--bots', join(tmp, 'missing'), '--port', '0']);
    const redis = run(['--bots', bots, '--port', '0', '--store', 'redis://127.0.0.1:1']);
    expect((await noBots.exit).code).toBe(1);
    expect(noBots.stderr).toContain(`bottango-server: cannot start: Invalid bot definitions (1 problem):\n  - ${join(tmp, 'missing')}: cannot read the bot directory: ENOENT`);
    expect((await redis.exit).code).toBe(1);
    expect(redis.stderr).toMatch(/^bottango-server: cannot start: .*127\.0\.0\.1:1/m);
  });

  it('exits 1 when the port is taken', async () => {
    const first = run(['--bots', bots, '--port', '0']);
    const url = await listening(first);
    const port = new URL(url).port;
    const second = run(['--bots', bots, '--port', port]);
    expect((await second.exit).code).toBe(1);
    expect(second.stderr).toContain(`bottango-server: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
    first.child.kill('SIGINT');
    expect((await first.exit).code).toBe(0);
  });

  for (const backend of ['sqlite', 'redis'] as const) {
    it(`keeps a conversation across a kill (SIGKILL) and restart with --store ${backend}: the next message answers from the stored dialog`, async () => {
      // Our own redis-server, so the default key prefixes of bottango-server never touch a shared one (REDIS_URL).
      const redis = backend === 'redis' ? await startTestRedisServer() : undefined;
      try {
        const store = redis ? redis.url : `sqlite:${join(tmp, 'restart.sqlite')}`;
        let bearer = 'operator-key-1';
        const post = async (url: string, path: string, body: unknown): Promise<Response> =>
          fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) });

        // An integration with an API key opens the conversation for user "ada"; after the restart (no keys: local
        // mode) the conversation token alone reaches it: its hash is stored with the state.
        const first = run(['--bots', bots, '--port', '0', '--store', store], { BOTTANGO_API_KEYS: 'operator-key-1,operator-key-2' });
        const before = await listening(first);
        const { conversationId, token } = (await (await post(before, '/conversations', { botId: 'concierge', userId: 'ada' })).json()) as { conversationId: string; token: string };
        bearer = token;
        const asked = (await (await post(before, `/conversations/${conversationId}/messages`, { text: 'I want a refund' })).json()) as { events: { type: string; text?: string }[] };
        expect(asked.events).toContainEqual(expect.objectContaining({ type: 'bot-message', text: 'Which order should be refunded?' }));
        first.child.kill('SIGKILL');
        expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });

        const second = run(['--bots', bots, '--port', '0', '--store', store]);
        const after = await listening(second);
        const stored = await fetch(`${after}/conversations/${conversationId}`, { headers: { authorization: `Bearer ${token}` } });
        expect(stored.status).toBe(200);
        expect(await stored.json()).toMatchObject({ id: conversationId, userId: 'ada', ownerBotId: 'billing', dialogStack: [{ dialog: 'Refund', awaitingAnswer: true }], turns: 1 });
        const answered = (await (await post(after, `/conversations/${conversationId}/messages`, { text: 'A-1001' })).json()) as { events: { type: string; botId?: string; text?: string }[] };
        expect(answered.events).toContainEqual(expect.objectContaining({ type: 'bot-message', botId: 'billing', text: 'Done: the refund for order A-1001 is on its way (3–5 working days).' }));
        expect(answered.events.some((e) => e.type === 'fallback')).toBe(false);
        second.child.kill('SIGTERM');
        expect((await second.exit).code).toBe(0);
      } finally {
        await redis?.stop();
      }
    });
  }

  it('exits 1, naming the state store, when --state cannot be reached (the context store it opened does not keep it running)', async () => {
    const redis = await startTestRedisServer();
    try {
      const server = run(['--bots', bots, '--port', '0', '--store', redis.url, '--state', 'redis://127.0.0.1:1']);
      expect((await server.exit).code).toBe(1);
      expect(server.stderr).toMatch(/^bottango-server: cannot start: Redis conversation state store: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1.*ECONNREFUSED/m);
    } finally {
      await redis.stop();
    }
  });
});

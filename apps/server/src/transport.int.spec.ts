import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeRuntime } from '@bottango/cli';
import type { ConversationEvent } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';
import { startTestRedisServer, type TestRedisServer } from '@bottango/testing/redis';
import { RedisBotAgent, RedisStreamsTransport } from '@bottango/transport-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBottangoServer, type BottangoServer } from './server.js';

// The server as the front of bots running elsewhere (here: bot agents on their own runtimes in this process).
const OPERATOR_KEY = 'transport-test-operator-key';
const DEMO_BOTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../demo/bots');
let tmp: string;
let redis: TestRedisServer;
let server: BottangoServer;
let base: string;
const runtimes: BottangoRuntime[] = [];
const agents: RedisBotAgent[] = [];

async function runtimeFor(localBots: string[]): Promise<BottangoRuntime> {
  const { runtime } = await composeRuntime({ botsDir: DEMO_BOTS, cwd: tmp, modelCacheDir: join(tmp, 'models'), store: redis.url, transport: redis.url, localBots });
  runtimes.push(runtime);
  return runtime;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bottango-server-transport-'));
  redis = await startTestRedisServer();
  for (const botId of ['concierge', 'billing']) {
    const runtime = await runtimeFor([botId]);
    agents.push(await RedisBotAgent.start({ runtime, transport: runtime.transport as RedisStreamsTransport, botId }));
  }
  server = createBottangoServer(await runtimeFor([]), { apiKeys: [OPERATOR_KEY] });
  base = (await server.listen(0, '127.0.0.1')).url;
}, 60_000);

// Stopping waits for in-flight entries (up to 5 s each) after the Redis restart of the /ready test: on a loaded CI
// machine that outlasts the 10 s default hook timeout.
afterAll(async () => {
  await server?.close();
  await Promise.all(agents.map((agent) => agent.stop()));
  for (const runtime of runtimes.slice(0, -1)) await runtime.close();
  await redis?.stop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

interface SseEvent {
  readonly id: string;
  readonly event: string;
  readonly data: ConversationEvent;
}

/** Reads the event stream until `enough` says so, then disconnects. */
async function readStream(conversationId: string, token: string, lastEventId: string | undefined, enough: (events: SseEvent[]) => boolean, opened?: () => Promise<void>): Promise<SseEvent[]> {
  const abort = new AbortController();
  // The token as a query parameter, the way a browser's EventSource sends it.
  const res = await fetch(`${base}/conversations/${conversationId}/events?access_token=${token}`, { signal: abort.signal, headers: lastEventId ? { 'last-event-id': lastEventId } : {} });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const first = await reader.read();
  buffer += decoder.decode(first.value, { stream: true });
  await opened?.();
  const timer = setTimeout(() => abort.abort(), 15_000);
  try {
    while (!enough(events)) {
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (block.startsWith(':')) continue;
        events.push({ id: /^id: (.*)$/m.exec(block)?.[1] ?? '', event: /^event: (.*)$/m.exec(block)?.[1] ?? '', data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as ConversationEvent });
      }
      if (enough(events)) break;
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return events;
}

async function post(path: string, body: unknown, bearer = OPERATOR_KEY): Promise<any> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) });
  return res.json();
}

const refundEnded = (events: SseEvent[]) => events.some((e) => e.data.type === 'dialog-ended' && e.data.dialog === 'Refund');

describe('bottango-server in front of bots in other processes', () => {
  it('streams what the bots publish as it happens, and a client that reconnects with Last-Event-ID misses nothing', async () => {
    // Opened for a user by an integration (API key); from then on only the conversation token is used: its hash
    // travels with the state through the bot processes (the transfer to billing included).
    const { conversationId, token } = await post('/conversations', { botId: 'concierge', userId: 'ada' });
    const live = await readStream(conversationId, token, undefined, (events) => events.some((e) => e.data.type === 'bot-message' && e.data.text === 'Which order should be refunded?'), async () => {
      const reply = await post(`/conversations/${conversationId}/messages`, { text: 'I want a refund' }, token);
      expect(reply.events.map((e: ConversationEvent) => e.type)).toContain('transfer');
    });
    expect(live.map((e) => e.event)).toEqual(['user-message', 'dialog-started', 'bot-message', 'transfer', 'dialog-started', 'bot-message', 'bot-message']);
    expect(live.every((e) => /^\d+-0$/.test(e.id))).toBe(true);

    // Disconnected: the next message's events wait in the conversation's stream.
    await post(`/conversations/${conversationId}/messages`, { text: 'order 11' }, token);
    const resumed = await readStream(conversationId, token, live.at(-1)?.id, refundEnded);
    expect(resumed.map((e) => e.data.type === 'user-message' ? `you: ${e.data.text}` : e.event)).toEqual(['you: order 11', 'bot-message', 'dialog-ended']);

    // A page reloaded with Last-Event-ID 0 gets the whole history again, in order.
    const replay = await readStream(conversationId, token, '0', refundEnded);
    expect(replay.map((e) => e.id)).toEqual([...live, ...resumed].map((e) => e.id));
  }, 60_000);

  it('/ready checks the transport too: 503 naming it while Redis is away, 200 once it is back', async () => {
    const ready = async (): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${base}/ready`);
      return { status: res.status, body: await res.json() };
    };
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', checks: { contextStore: 'ok', stateStore: 'ok', transport: 'ok' } } });
    await redis.kill();
    await expect.poll(async () => (await ready()).status, { timeout: 10_000 }).toBe(503);
    expect((await ready()).body.checks.transport).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is not connected/);
    await redis.restart();
    await expect.poll(async () => (await ready()).status, { timeout: 15_000 }).toBe(200);
  }, 60_000);
});

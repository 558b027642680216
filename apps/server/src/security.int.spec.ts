import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { composeRuntime } from '@bottango/cli';
import type { ConversationEvent } from '@bottango/core';
import { startTestRedisServer } from '@bottango/testing/redis';
import { describe, expect, it } from 'vitest';
import { runServerCli } from './cli.js';
import { createBottangoServer } from './server.js';
import { DEMO_BOTS, SseReader, useDemoServer, type SseEvent } from './test-support/demo-server.js';

// One test per problem under "Why" in issue 10, plus tokens, API keys, /docs and /metrics.
const KEY = 'operator-key-for-tests-0123456789';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

const demo = useDemoServer('bottango-server-security-');
async function call(method: string, path: string, options: { body?: unknown; bearer?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.bearer !== undefined ? { authorization: `Bearer ${options.bearer}` } : {}), ...options.headers };
  const res = await fetch(`${demo.base}${path}`, { method, headers, ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // text (metrics, HTML)
  }
  return { status: res.status, headers: res.headers, body };
}

async function open(body: Record<string, unknown> = { botId: 'concierge' }, bearer?: string): Promise<{ conversationId: string; userId: string; token: string }> {
  const reply = await call('POST', '/conversations', { body, ...(bearer !== undefined ? { bearer } : {}) });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { conversationId: string; userId: string; token: string };
}

async function say(conversationId: string, token: string, text: string): Promise<ConversationEvent[]> {
  const reply = await call('POST', `/conversations/${conversationId}/messages`, { body: { text }, bearer: token });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.events as ConversationEvent[];
}

/** Reads an event stream until `enough`; resolves with its events (and comments). `opened` runs once the stream is live. */
async function readStream(path: string, headers: Record<string, string>, enough: (events: SseEvent[]) => boolean, opened?: () => Promise<void>): Promise<{ events: SseEvent[]; comments: string[] }> {
  const abort = new AbortController();
  const res = await fetch(`${demo.base}${path}`, { headers, signal: abort.signal });
  expect(res.status).toBe(200);
  const sse = new SseReader(res);
  let sent = false;
  try {
    while (!enough(sse.events) && (await sse.next())) {
      if (!sent && sse.comments.length > 0 && opened) {
        sent = true;
        await opened();
      }
    }
  } finally {
    abort.abort();
  }
  return { events: sse.events, comments: sse.comments };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('who may act as whom', () => {
  it("refuses a client-chosen userId without an API key, so nobody reads another user's user-scope context", async () => {
    const running = await demo.start({ apiKeys: [KEY] });
    // A trusted integration (API key) opens Alice's conversation; a bot stores her card in her user scope.
    const alice = await open({ botId: 'concierge', userId: 'alice' }, KEY);
    expect(alice.userId).toBe('alice');
    await running.runtime.store.registerNamespace('handoff');
    await running.runtime.store.set('handoff', { kind: 'user', userId: 'alice' }, 'card', '4111 1111 1111 1111');
    expect((await call('GET', `/conversations/${alice.conversationId}/context`, { bearer: alice.token })).body.userNamespaces).toEqual({ handoff: { card: '4111 1111 1111 1111' } });

    // The probe of the issue: an anonymous client claims to be Alice.
    expect(await call('POST', '/conversations', { body: { botId: 'concierge', userId: 'alice' } })).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN_FIELD', field: 'userId' } },
    });
    // Anonymous: a server-assigned user, whose context holds nothing of Alice's.
    const anonymous = await open();
    expect(anonymous.userId).toMatch(/^anon-[0-9a-f-]{36}$/);
    expect(anonymous.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const context = await call('GET', `/conversations/${anonymous.conversationId}/context`, { bearer: anonymous.token });
    expect(context.body).toEqual({ conversationId: anonymous.conversationId, userId: anonymous.userId, namespaces: {}, userNamespaces: {} });
  });

  it("refuses to read or write another conversation: no token 401; a wrong token, another conversation's token or an unknown id 404 alike", async () => {
    await demo.start();
    const mine = await open();
    const theirs = await open();
    await say(theirs.conversationId, theirs.token, 'I want a refund for my broken headphones');
    const paths = [`/conversations/${theirs.conversationId}`, `/conversations/${theirs.conversationId}/context`, `/conversations/${theirs.conversationId}/events`];
    for (const path of paths) {
      expect(await call('GET', path), path).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
      expect(await call('GET', path, { bearer: 'made-up-token' }), path).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_CONVERSATION' } } });
      expect(await call('GET', path, { bearer: mine.token }), path).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_CONVERSATION' } } });
    }
    // The same answer as for a conversation that does not exist: nothing tells them apart.
    const unknown = await call('GET', '/conversations/00000000-0000-0000-0000-000000000000', { bearer: mine.token });
    const wrong = await call('GET', `/conversations/${theirs.conversationId}`, { bearer: mine.token });
    expect(unknown.body.error.message.replace(/"[^"]+"/, '"…"')).toBe(wrong.body.error.message.replace(/"[^"]+"/, '"…"'));
    expect(await call('POST', `/conversations/${theirs.conversationId}/messages`, { body: { text: 'A-1042' }, bearer: mine.token })).toMatchObject({ status: 404 });
    expect(await call('DELETE', `/conversations/${theirs.conversationId}`, { bearer: mine.token })).toMatchObject({ status: 404 });
    // ?access_token= is for the event stream only (EventSource cannot set headers).
    expect((await call('GET', `/conversations/${theirs.conversationId}?access_token=${theirs.token}`)).status).toBe(401);
    // Their conversation went on untouched; its own token works.
    const state = await call('GET', `/conversations/${theirs.conversationId}`, { bearer: theirs.token });
    expect(state.body).toMatchObject({ ownerBotId: 'billing', turns: 1 });
    expect(state.body.metadata).toBeUndefined();
    // Only the token's SHA-256 is stored, in the state's metadata.
    const stored = await demo.server?.runtime.getConversation(theirs.conversationId);
    expect(stored?.metadata).toEqual({ tokenSha256: createHash('sha256').update(theirs.token).digest('hex') });
    expect(JSON.stringify(stored)).not.toContain(theirs.token);
  });

  it('opens a conversation with the only bot when the folder has one, without a body', async () => {
    const bots = join(demo.tmp, 'one-bot');
    mkdirSync(bots);
    copyFileSync(join(DEMO_BOTS, 'human-desk.yaml'), join(bots, 'human-desk.yaml'));
    const { runtime } = await composeRuntime({ botsDir: bots, cwd: demo.tmp, modelCacheDir: join(demo.tmp, 'models') });
    demo.server = createBottangoServer(runtime);
    demo.base = (await demo.server.listen(0, '127.0.0.1')).url;
    const opened = await call('POST', '/conversations');
    expect(opened).toMatchObject({ status: 201, body: { botId: 'human-desk', userId: expect.stringMatching(/^anon-/) } });
    expect(opened.headers.get('location')).toBe(`/conversations/${opened.body.conversationId as string}`);
    expect((await call('POST', '/conversations', { body: {} })).body.botId).toBe('human-desk');
  });

  it('keeps operator endpoints for API keys when keys are configured; a key may read any conversation', async () => {
    await demo.start({ apiKeys: ['other-key', KEY] });
    const c = await open();
    for (const [method, path, body] of [
      ['PUT', '/bots/human-desk/status', { connected: false }],
      ['GET', '/conversations', undefined],
      ['GET', '/metrics', undefined],
    ] as const) {
      expect((await call(method, path, body === undefined ? {} : { body })).status, `${method} ${path}`).toBe(401);
      expect((await call(method, path, { ...(body === undefined ? {} : { body }), bearer: `${KEY}x` })).status, `${method} ${path} wrong key`).toBe(401);
      expect((await call(method, path, { ...(body === undefined ? {} : { body }), bearer: c.token })).status, `${method} ${path} conversation token`).toBe(401);
      expect((await call(method, path, { ...(body === undefined ? {} : { body }), bearer: KEY })).status, `${method} ${path} key`).toBe(200);
    }
    expect((await call('GET', '/bots')).body.bots).toContainEqual(expect.objectContaining({ id: 'human-desk', status: { connected: false, acceptsTransfers: true } }));
    const list = await call('GET', '/conversations', { bearer: KEY });
    expect(list.body.conversations).toEqual([expect.objectContaining({ conversationId: c.conversationId, botId: 'concierge', userId: c.userId, client: 'ip:127.0.0.1' })]);
    expect((await call('GET', `/conversations/${c.conversationId}`, { bearer: KEY })).status).toBe(200);
  });

  it('refuses to listen beyond loopback without API keys (server and CLI), and listens there with keys', async () => {
    const { runtime } = await composeRuntime({ botsDir: DEMO_BOTS, cwd: process.cwd(), modelCacheDir: join(demo.tmp, 'models') });
    const local = createBottangoServer(runtime, { closeRuntime: false });
    await expect(local.listen(0, '0.0.0.0')).rejects.toThrow('refusing to listen on 0.0.0.0 without operator API keys');
    await local.close();
    demo.server = createBottangoServer(runtime, { apiKeys: [KEY] });
    const address = await demo.server.listen(0, '0.0.0.0');
    expect(address.host).toBe('0.0.0.0');

    const stderr = new PassThrough();
    let errText = '';
    stderr.on('data', (c: Buffer) => (errText += c.toString()));
    const cli = await runServerCli(['--bots', DEMO_BOTS, '--host', '0.0.0.0', '--port', '0'], { stdout: new PassThrough(), stderr, cwd: demo.tmp, env: {} });
    expect(cli).toEqual({ kind: 'exit', code: 2 });
    expect(errText).toContain('bottango-server: refusing to listen on 0.0.0.0 without operator API keys');
  });
});

describe('limits', () => {
  it('caps open conversations per client, event streams per conversation and the request rate, each naming its limit', async () => {
    await demo.start({ maxConversationsPerClient: 2, maxStreamsPerConversation: 1, rateLimitPerMinute: 12, apiKeys: [KEY] });
    const first = await open();
    await open();
    expect(await call('POST', '/conversations', { body: { botId: 'concierge' } })).toMatchObject({
      status: 429,
      body: { error: { code: 'TOO_MANY_CONVERSATIONS', message: expect.stringContaining('the limit is 2 (maxConversationsPerClient)') } },
    });
    // Deleting one frees its place.
    expect((await call('DELETE', `/conversations/${first.conversationId}`, { bearer: first.token })).status).toBe(204);
    expect((await call('POST', `/conversations/${first.conversationId}/messages`, { body: { text: 'hello' }, bearer: first.token })).status).toBe(404);
    const third = await open();

    const abort = new AbortController();
    const stream = await fetch(`${demo.base}/conversations/${third.conversationId}/events?access_token=${third.token}`, { signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(await call('GET', `/conversations/${third.conversationId}/events`, { bearer: third.token })).toMatchObject({
      status: 429,
      body: { error: { code: 'TOO_MANY_STREAMS', message: expect.stringContaining('the limit is 1 (maxStreamsPerConversation)') } },
    });
    abort.abort();

    // 12 requests a minute per anonymous client: the rest of them are refused with retry-after.
    let limited: Reply | undefined;
    for (let i = 0; i < 12 && !limited; i++) {
      const reply = await call('GET', '/bots');
      if (reply.status === 429) limited = reply;
    }
    expect(limited?.body).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^more than 12 requests a minute from this client \(rateLimitPerMinute\); retry in \d+ s$/) } });
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    // Liveness, readiness and API-key callers are not limited.
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/bots', { bearer: KEY })).status).toBe(200);
  });

  it('removes an idle conversation: state, conversation-scope context, buffered events; its stream ends', async () => {
    const running = await demo.start({ idleExpiryMs: 1_000 });
    const c = await open();
    await say(c.conversationId, c.token, 'I want a refund for my broken headphones');
    const scope = { kind: 'conversation', conversationId: c.conversationId } as const;
    expect(await running.runtime.store.getAll('handoff', scope)).toEqual({ customerName: 'Ada', accountTier: 'gold' });
    const stream = await fetch(`${demo.base}/conversations/${c.conversationId}/events?access_token=${c.token}`);
    const text = stream.text();
    expect(running.activeConversations).toBe(1);
    await until(() => running.activeConversations === 0);
    await text; // ended by the expiry
    expect(running.openStreams).toBe(0);
    expect(await running.runtime.getConversation(c.conversationId)).toBeUndefined();
    expect(await running.runtime.store.getAll('handoff', scope)).toEqual({});
    expect((await call('GET', `/conversations/${c.conversationId}`, { bearer: c.token })).status).toBe(404);
    // An active conversation is kept: every request counts as activity.
    const busy = await open();
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 250));
      expect((await call('GET', `/conversations/${busy.conversationId}`, { bearer: busy.token })).status).toBe(200);
    }
  });

  it('answers JSON nested 25,000 levels deep with 400, never 500, on every route with a body', async () => {
    await demo.start({ bodyLimitBytes: 1024 * 1024 });
    const c = await open();
    const deepArray = `${'['.repeat(25_000)}${']'.repeat(25_000)}`;
    const deepObject = `${'{"a":'.repeat(25_000)}1${'}'.repeat(25_000)}`;
    for (const [method, path] of [
      ['POST', `/conversations/${c.conversationId}/messages`],
      ['POST', '/conversations'],
      ['PUT', '/bots/billing/status'],
    ] as const) {
      for (const body of [deepArray, deepObject, `{"text":${deepArray}}`, `{"botId":${deepObject}}`, `{"connected":${deepArray}}`]) {
        const reply = await call(method, path, { body, bearer: c.token });
        expect(reply.status, `${method} ${path} ${body.slice(0, 12)}`).toBe(400);
        expect(JSON.stringify(reply.body).length).toBeLessThan(500);
      }
    }
    expect(await say(c.conversationId, c.token, 'hello')).toContainEqual(expect.objectContaining({ type: 'bot-message', botId: 'concierge' }));
  });
});

describe('readiness and metrics', () => {
  it('says 503 on /ready when Redis is down, and a message then fails with 503 STORE_UNAVAILABLE', async () => {
    const redis = await startTestRedisServer();
    try {
      await demo.start({ store: `${redis.url}` });
      const c = await open();
      expect(await say(c.conversationId, c.token, 'hello')).toContainEqual(expect.objectContaining({ type: 'bot-message', botId: 'concierge' }));
      expect((await call('GET', '/ready')).body).toEqual({ status: 'ready', checks: { contextStore: 'ok', stateStore: 'ok' } });
      await redis.stop();
      const ready = await call('GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not ready');
      expect(ready.body.checks.contextStore).not.toBe('ok');
      expect(ready.body.checks.stateStore).not.toBe('ok');
      const message = await call('POST', `/conversations/${c.conversationId}/messages`, { body: { text: 'hello' }, bearer: c.token });
      expect(message.status).toBe(503);
      expect(message.body.error.code).toBe('STORE_UNAVAILABLE');
      expect((await call('GET', '/health')).status).toBe(200);
    } finally {
      await redis.stop().catch(() => undefined);
    }
  });

  it('counts messages, transfers by skill and outcome, escalation failures by bot, and active conversations', async () => {
    await demo.start();
    const c = await open();
    await say(c.conversationId, c.token, 'I want a refund for my broken headphones');
    expect((await call('PUT', '/bots/human-desk/status', { body: { connected: false } })).status).toBe(200);
    const d = await open();
    await say(d.conversationId, d.token, 'can I talk to a human please');
    const metrics = await call('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = metrics.body as string;
    expect(text).toContain('bottango_messages_total 2');
    expect(text).toContain('bottango_transfers_total{skill="billing",outcome="ok"} 1');
    expect(text).toContain('bottango_transfers_total{skill="human",outcome="no-agent-available"} 1');
    expect(text).toContain('bottango_escalation_failures_total{bot="concierge",stage="late"} 1');
    expect(text).toContain('bottango_active_conversations 2');
    expect(text).toMatch(/bottango_transfer_latency_seconds_count\{outcome="ok"\} 1/);
    expect(text).toMatch(/bottango_message_duration_seconds_count 2/);
  });

  it('serves the OpenAPI document built from the route schemas at /docs', async () => {
    await demo.start();
    const doc = await call('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/bots', '/conversations', '/conversations/{id}', '/conversations/{id}/messages', '/conversations/{id}/events', '/conversations/{id}/context', '/metrics']));
    expect(doc.body.paths['/conversations/{id}/messages'].post.requestBody.content['application/json'].schema).toMatchObject({ required: ['text'], properties: { text: { type: 'string', maxLength: 2000 } } });
    const ui = await fetch(`${demo.base}/docs`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
  });
});

describe('request log', () => {
  it('writes pino JSON lines with request ids (also sent as X-Request-Id), never a conversation token', async () => {
    const log = new PassThrough();
    let lines = '';
    log.on('data', (c: Buffer) => (lines += c.toString()));
    await demo.start({ requestLog: { level: 'info', stream: log } });
    const c = await open();
    const abort = new AbortController();
    const stream = await fetch(`${demo.base}/conversations/${c.conversationId}/events?access_token=${c.token}`, { signal: abort.signal });
    abort.abort();
    const reply = await call('GET', `/conversations/${c.conversationId}`, { bearer: c.token, headers: { 'x-request-id': 'my-request-1' } });
    expect(reply.headers.get('x-request-id')).toBe('my-request-1');
    expect((await call('GET', '/health', { headers: { 'x-request-id': 'no spaces or {json} please' } })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(stream.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => lines.includes('my-request-1'));
    const entries = lines.trim().split('\n').map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
    expect(entries.filter((e) => e.reqId === 'my-request-1').length).toBeGreaterThanOrEqual(1);
    expect(entries.some((e) => e.req?.url === `/conversations/${c.conversationId}/events?access_token=[redacted]`)).toBe(true);
    expect(lines).not.toContain(c.token);
  });
});

describe('event stream resume in-process', () => {
  it('numbers every event and resumes after Last-Event-ID (or ?lastEventId=) without loss', async () => {
    await demo.start();
    const c = await open();
    const auth = { authorization: `Bearer ${c.token}` };
    let answered: ConversationEvent[] = [];
    const live = await readStream(`/conversations/${c.conversationId}/events`, auth, (events) => events.length >= 7, async () => {
      answered = await say(c.conversationId, c.token, 'I want a refund for my broken headphones');
    });
    expect(live.events.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(live.events.map((e) => e.data)).toEqual(answered);
    // The client drops after event 3; meanwhile the conversation goes on.
    const more = await say(c.conversationId, c.token, 'A-1042');
    const resumed = await readStream(`/conversations/${c.conversationId}/events`, { ...auth, 'last-event-id': '3' }, (events) => events.length >= 4 + more.length);
    expect(resumed.events.map((e) => e.data)).toEqual([...answered.slice(3), ...more]);
    expect(resumed.events.map((e) => Number(e.id))).toEqual(Array.from({ length: 4 + more.length }, (_, i) => 4 + i));
    const byQuery = await readStream(`/conversations/${c.conversationId}/events?access_token=${c.token}&lastEventId=7`, {}, (events) => events.length >= more.length);
    expect(byQuery.events.map((e) => e.data)).toEqual(more);
  });

  it('says which events are no longer kept when a client resumes from further back than the buffer', async () => {
    await demo.start({ eventBufferSize: 3 });
    const c = await open();
    const events = await say(c.conversationId, c.token, 'I want a refund for my broken headphones');
    expect(events).toHaveLength(7);
    const resumed = await readStream(`/conversations/${c.conversationId}/events?access_token=${c.token}&lastEventId=0`, {}, (e) => e.length >= 3);
    expect(resumed.comments).toContain('events 1–4 are no longer kept (eventBufferSize)');
    expect(resumed.events.map((e) => [e.id, e.data])).toEqual([
      ['5', events[4]],
      ['6', events[5]],
      ['7', events[6]],
    ]);
  });
});

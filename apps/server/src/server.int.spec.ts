import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { composeRuntime } from '@bottango/cli';
import type { ConversationEvent, ConversationState } from '@bottango/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_BOTS, SseReader, useDemoServer, type SseEvent } from './test-support/demo-server.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

const demo = useDemoServer('bottango-server-');
/** Conversation tokens by conversation id: `call` sends the right one for /conversations/<id>… paths. */
const tokens = new Map<string, string>();

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = JSON_HEADERS): Promise<Reply> {
  const token = tokens.get(decodeURIComponent(/^\/conversations\/([^/?]+)/.exec(path)?.[1] ?? ''));
  const auth: Record<string, string> = token !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization') ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${demo.base}${path}`, { method, headers: { ...headers, ...auth }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

function auth(conversationId: string): { authorization: string } {
  return { authorization: `Bearer ${tokens.get(conversationId) ?? ''}` };
}

async function startConversation(botId = 'concierge'): Promise<string> {
  const reply = await call('POST', '/conversations', { botId });
  expect(reply.status).toBe(201);
  tokens.set(reply.body.conversationId as string, reply.body.token as string);
  return reply.body.conversationId as string;
}

async function say(conversationId: string, text: string): Promise<ConversationEvent[]> {
  const reply = await call('POST', `/conversations/${conversationId}/messages`, { text });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.events as ConversationEvent[];
}

async function conversation(conversationId: string): Promise<ConversationState> {
  const reply = await call('GET', `/conversations/${conversationId}`);
  expect(reply.status).toBe(200);
  return reply.body as ConversationState;
}

function botTexts(events: readonly ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'bot-message' ? [`${e.botId}: ${e.text}`] : []));
}

/** An open Server-Sent Events stream read with fetch: parsed events and comment lines, as they come. */
async function openStream(conversationId: string): Promise<{ events: SseEvent[]; comments: string[]; waitFor: (n: number) => Promise<void>; ended: Promise<void>; stop: () => void }> {
  const abort = new AbortController();
  const res = await fetch(`${demo.base}/conversations/${conversationId}/events`, { signal: abort.signal, headers: { authorization: `Bearer ${tokens.get(conversationId) ?? ''}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const sse = new SseReader(res);
  const { events, comments } = sse;
  const waiters: (() => void)[] = [];
  const ended = (async () => {
    try {
      while (await sse.next()) for (const w of waiters.splice(0)) w();
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  })();
  const waitFor = async (n: number): Promise<void> => {
    while (events.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  await new Promise<void>((r) => (comments.length > 0 ? r() : waiters.push(r)));
  return { events, comments, waitFor, ended, stop: () => abort.abort() };
}

describe('bottango server on the demo bots', () => {
  beforeEach(async () => {
    await demo.start();
  });

  it('reports health and lists the bots with their skills and agent status', async () => {
    const health = await call('GET', '/health');
    expect(health).toEqual(expect.objectContaining({ status: 200, body: { status: 'ok' } }));
    expect((await call('GET', '/ready')).body).toEqual({ status: 'ready', checks: { contextStore: 'ok', stateStore: 'ok' } });
    const bots = await call('GET', '/bots');
    expect(bots.body.bots).toContainEqual({ id: 'billing', name: 'Billing', skills: ['billing'], status: { connected: true, acceptsTransfers: true } });
    expect(bots.body.bots).toHaveLength(4);
    expect((await call('GET', '/bots/human-desk')).body).toMatchObject({ id: 'human-desk', name: 'Human desk', skills: ['human'] });
  });

  it('runs a full escalation: the concierge hands the refund to billing with a Tango Context and data in the session store', async () => {
    const id = await startConversation();
    expect(botTexts(await say(id, 'hello'))).toEqual(["concierge: Hi! I'm the concierge. I can connect you with Billing or Tech Support."]);
    const events = await say(id, 'I want a refund for my broken headphones');
    const transfer = events.find((e) => e.type === 'transfer');
    expect(transfer).toMatchObject({ fromBotId: 'concierge', toSkill: 'billing', toBotId: 'billing', context: { intentId: 'billing.refund' }, automatic: false });
    expect(events).toContainEqual(expect.objectContaining({ type: 'dialog-started', botId: 'billing', dialog: 'Refund', trigger: { by: 'tango-intent', intentId: 'billing.refund' }, afterTransfer: true }));
    // The demo's outcome: name and tier crossed through the Context Session Store.
    expect(botTexts(events)).toEqual([
      "concierge: I'll hand you to our Billing team for the refund.",
      'billing: Hi Ada, Billing here. As a gold customer your refund gets priority.',
      'billing: Which order should be refunded?',
    ]);
    expect(events.map((e) => e.type)).toEqual(['user-message', 'dialog-started', 'bot-message', 'transfer', 'dialog-started', 'bot-message', 'bot-message']);
    expect(botTexts(await say(id, 'A-1042'))).toEqual(['billing: Done: the refund for order A-1042 is on its way (3–5 working days).']);
    const state = await conversation(id);
    expect(state.ownerBotId).toBe('billing');
    expect(state.transcript.filter((t) => t.from === 'user').map((t) => t.text)).toEqual(['hello', 'I want a refund for my broken headphones', 'A-1042']);
  });

  it('takes a bot agent offline: a transfer to it fails late and the sender handles __agent_escalation_failed__', async () => {
    const offline = await call('PUT', '/bots/human-desk/status', { connected: false });
    expect(offline).toMatchObject({ status: 200, body: { botId: 'human-desk', status: { connected: false, acceptsTransfers: true } } });
    expect((await call('GET', '/bots')).body.bots).toContainEqual(expect.objectContaining({ id: 'human-desk', status: { connected: false, acceptsTransfers: true } }));

    const id = await startConversation();
    const events = await say(id, 'can I talk to a human please');
    expect(events.find((e) => e.type === 'transfer')).toBeUndefined();
    expect(events).toContainEqual(expect.objectContaining({ type: 'transfer-failed', fromBotId: 'concierge', toSkill: 'human', reason: 'no-agent-available', stage: 'late' }));
    expect(events).toContainEqual({ type: 'user-message', conversationId: id, text: '__agent_escalation_failed__', system: true });
    expect(botTexts(events)).toEqual([
      'concierge: Let me find a person for you.',
      'concierge: Sorry, nobody from our team is available right now. You can keep chatting with me, or try again later.',
    ]);

    // Back online: the same request reaches the human desk.
    expect((await call('PUT', '/bots/human-desk/status', { connected: true })).body.status.connected).toBe(true);
    const again = await say(id, 'a human please');
    expect(again.find((e) => e.type === 'transfer')).toMatchObject({ fromBotId: 'concierge', toBotId: 'human-desk' });
    expect(botTexts(again)).toContain('human-desk: Hello, this is Sam from customer care.');
  });

  it('refuses a bad status update, naming the field', async () => {
    expect(await call('PUT', '/bots/human-desk/status', { connected: 'no' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_FIELD', field: 'connected', value: 'no', message: 'field "connected" must be true or false, got a string ("no")' } },
    });
    expect((await call('PUT', '/bots/human-desk/status', {})).body.error.code).toBe('MISSING_FIELD');
    expect((await call('PUT', '/bots/human-desk/status', { conected: false })).body.error).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'conected' });
    expect(await call('PUT', '/bots/nobody/status', { connected: false })).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_BOT' } } });
    expect((await call('GET', '/bots/human-desk/status')).body.status).toEqual({ connected: true, acceptsTransfers: true });
  });

  it('streams every event of a conversation over SSE, the same as the POST response', async () => {
    const id = await startConversation();
    const other = await startConversation();
    const stream = await openStream(id);
    const otherStream = await openStream(other);
    const events = await say(id, 'my wifi keeps dropping every few minutes');
    expect(events.find((e) => e.type === 'transfer')).toMatchObject({ toBotId: 'tech', context: { userMessage: 'my wifi keeps dropping every few minutes' } });
    await stream.waitFor(events.length);
    expect(stream.events.map((e) => e.data)).toEqual(events);
    expect(stream.events.map((e) => e.event)).toEqual(events.map((e) => e.type));
    // The other conversation's stream got none of them: its first event is its own.
    const otherEvents = await say(other, 'hello');
    await otherStream.waitFor(otherEvents.length);
    expect(otherStream.events.map((e) => e.data)).toEqual(otherEvents);
    expect(demo.server?.openStreams).toBe(2);
    stream.stop();
    otherStream.stop();
    await Promise.all([stream.ended, otherStream.ended]);
  });

  it('answers an event stream for an unknown conversation with 404', async () => {
    expect(await call('GET', '/conversations/nope/events', undefined, { authorization: 'Bearer some-token' })).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_CONVERSATION', message: 'no conversation "nope" (or the token is not this conversation\'s)' } },
    });
  });

  it('answers every bad request with a JSON error, and the conversation goes on as before', async () => {
    const id = await startConversation();
    await say(id, 'I want a refund');
    // Billing now waits for the order number; every bad request below must leave that as it is.
    const before = await conversation(id);
    expect(before.dialogStack).toEqual([expect.objectContaining({ dialog: 'Refund', awaitingAnswer: true })]);
    const messages = `/conversations/${id}/messages`;

    const badJson = await call('POST', messages, '{"text" "A-1042"}');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('INVALID_JSON');
    expect(badJson.body.error.message).toBe('the request body is not valid JSON');

    expect(await call('POST', messages, {})).toMatchObject({ status: 400, body: { error: { code: 'MISSING_FIELD', field: 'text', message: 'field "text" is required' } } });
    expect(await call('POST', messages, { text: 42 })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_FIELD', field: 'text', value: 42, message: 'field "text" must be a string, got a number (42)' } },
    });
    expect((await call('POST', messages, { text: '   ' })).body.error).toMatchObject({ code: 'INVALID_FIELD', field: 'text', message: 'field "text" must not be empty' });
    expect((await call('POST', messages, [{ text: 'A-1042' }])).body.error).toMatchObject({ code: 'INVALID_BODY', message: 'the request body must be a JSON object, got an array of 1 item' });
    expect((await call('POST', messages, '')).body.error.code).toBe('INVALID_BODY');
    expect(await call('POST', messages, { text: 'x'.repeat(2_001) })).toMatchObject({
      status: 400,
      body: { error: { code: 'MESSAGE_TOO_LONG', field: 'text', message: 'field "text" is 2001 characters; the limit is 2000 (maxMessageChars)' } },
    });

    const someToken = { ...JSON_HEADERS, authorization: `Bearer ${tokens.get(id) ?? ''}` };
    expect(await call('POST', '/conversations/no-such-id/messages', { text: 'hi' }, someToken)).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_CONVERSATION', message: 'no conversation "no-such-id" (or the token is not this conversation\'s)' } },
    });
    expect(await call('GET', '/conversations/no-such-id', undefined, someToken)).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_CONVERSATION' } } });
    expect(await call('POST', '/conversations', { botId: 'nobody' })).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_BOT', field: 'botId', value: 'nobody', message: 'no bot "nobody" (bots: billing, concierge, human-desk, tech)' } },
    });
    expect((await call('POST', '/conversations', { botId: 7 })).body.error).toMatchObject({ code: 'INVALID_FIELD', field: 'botId', value: 7 });

    // A method a path does not have is a route that does not exist (Fastify): 404 NOT_FOUND.
    expect(await call('PUT', messages)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', message: `no route PUT ${messages}` } } });
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });

    const huge = await call('POST', messages, { text: 'x'.repeat(70 * 1024) });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than the limit of 65536 bytes (bodyLimitBytes)' } } });

    const plain = await call('POST', messages, 'A-1042', { 'content-type': 'text/plain' });
    expect(plain).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('got Content-Type "text/plain"') } } });
    expect((await call('POST', messages, '{"text":"A-1042"}', {})).status).toBe(415);

    // Nothing above reached the bot: same state, and billing still takes the order number.
    expect(await conversation(id)).toEqual(before);
    expect(botTexts(await say(id, 'A-1042'))).toEqual(['billing: Done: the refund for order A-1042 is on its way (3–5 working days).']);
    expect((await conversation(id)).turns).toBe(before.turns + 1);
  });

  it('refuses a body over the limit even without a Content-Length (chunked)', async () => {
    await demo.server?.close();
    await demo.start({ bodyLimitBytes: 100 });
    const id = await startConversation();
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"text":"${'y'.repeat(80)}`));
        controller.enqueue(new TextEncoder().encode(`${'y'.repeat(80)}"}`));
        controller.close();
      },
    });
    const res = await fetch(`${demo.base}/conversations/${id}/messages`, { method: 'POST', headers: { ...JSON_HEADERS, authorization: `Bearer ${tokens.get(id) ?? ''}` }, body: chunked, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('the request body is larger than the limit of 100 bytes (bodyLimitBytes)');
    expect(botTexts(await say(id, 'hello'))).toHaveLength(1);
  });

  it('does not let a stalled body hold up the conversation: later messages are answered, the stalled request gets 408', async () => {
    await demo.server?.close();
    await demo.start({ requestTimeoutMs: 600 });
    const id = await startConversation();
    let arrived = 0;
    demo.server?.server.on('request', () => arrived++);
    // Request A: headers now, the body never comes whole.
    const requestA = httpRequest(`${demo.base}/conversations/${id}/messages`, { method: 'POST', headers: { ...JSON_HEADERS, ...auth(id), 'content-length': '100' } });
    const replyA = new Promise<{ status: number; text: string }>((resolveA) => {
      requestA.on('error', (error) => resolveA({ status: 0, text: error.message }));
      requestA.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolveA({ status: res.statusCode ?? 0, text }));
      });
    });
    requestA.write('{"text":"hel');
    await until(() => arrived === 1);
    // Request B, whole, while A's body is still missing: it does not wait for A.
    const startedB = Date.now();
    expect(botTexts(await say(id, 'I want a refund'))).toContain('billing: Which order should be refunded?');
    expect(Date.now() - startedB).toBeLessThan(500);
    // A is cut off once requestTimeoutMs has passed, in the JSON error shape.
    const a = await replyA;
    expect(a.status).toBe(408);
    expect(JSON.parse(a.text)).toEqual({ error: { code: 'REQUEST_TIMEOUT', message: 'the request did not arrive whole within 600 ms (requestTimeoutMs)' } });
    expect((await conversation(id)).transcript.map((t) => t.text)).not.toContain('hel');
  });

  it('keeps a message whose client hung up before the answer', async () => {
    const id = await startConversation();
    const body = JSON.stringify({ text: 'I want a refund' });
    const req = httpRequest(`${demo.base}/conversations/${id}/messages`, { method: 'POST', headers: { ...JSON_HEADERS, ...auth(id), 'content-length': String(Buffer.byteLength(body)) } });
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', () => undefined);
    req.end(body, () => req.destroy());
    // The turn was accepted before the client left: it runs to the end and is saved, and the conversation goes on.
    await until(() => req.destroyed);
    await untilAsync(async () => (await conversation(id)).ownerBotId === 'billing');
    expect(answered).toBe(false);
    expect(botTexts(await say(id, 'A-1042'))).toEqual(['billing: Done: the refund for order A-1042 is on its way (3–5 working days).']);
  });

  it('does not let a client that leaves mid-body hold up the next message', async () => {
    const id = await startConversation();
    let arrived = 0;
    demo.server?.server.on('request', () => arrived++);
    const req = httpRequest(`${demo.base}/conversations/${id}/messages`, { method: 'POST', headers: { ...JSON_HEADERS, ...auth(id), 'content-length': '100' } });
    req.on('error', () => undefined);
    req.write('{"text":"hel');
    await until(() => arrived === 1);
    req.destroy();
    expect(botTexts(await say(id, 'hello'))).toEqual(["concierge: Hi! I'm the concierge. I can connect you with Billing or Tech Support."]);
    expect((await conversation(id)).turns).toBe(1);
  });

  it('keeps concurrent messages of one conversation whole: each answer holds only its own events, in transcript order', async () => {
    const id = await startConversation();
    const texts = ['hello', 'good morning', 'hey', 'hello there', 'good evening'];
    const replies = await Promise.all(texts.map((text) => say(id, text)));
    replies.forEach((events, i) => {
      expect(events[0]).toEqual({ type: 'user-message', conversationId: id, text: texts[i] });
      expect(events.filter((e) => e.type === 'user-message')).toHaveLength(1);
    });
    // The transcript is the answers one after another: user message, then its reply, never interleaved.
    const transcript = (await conversation(id)).transcript;
    for (let i = 0; i < transcript.length; i += 2) {
      expect(transcript[i]?.from).toBe('user');
      expect(transcript[i + 1]).toMatchObject({ from: 'bot', botId: 'concierge' });
    }
    expect(transcript.filter((t) => t.from === 'user').map((t) => t.text).sort()).toEqual([...texts].sort());
  });
});

describe('event stream lifetime', () => {
  it('sends a heartbeat comment on an idle stream and ends the stream when the server closes', async () => {
    const running = await demo.start({ heartbeatMs: 50 });
    const id = await startConversation();
    const stream = await openStream(id);
    await until(() => stream.comments.includes('heartbeat'));
    await running.close();
    await stream.ended;
    expect(running.openStreams).toBe(0);
    demo.server = undefined;
    // The runtime is closed with the server.
    await expect(running.runtime.send(id, 'hello')).rejects.toThrow('the runtime is closed');
  });
});

describe('with the SQLite context store', () => {
  it('hands data from the concierge to billing through a SQLite file that keeps it after a restart', async () => {
    const file = join(demo.tmp, 'context.sqlite');
    const running = await demo.start({ store: `sqlite:${file}` });
    const id = await startConversation();
    const events = await say(id, 'I want a refund for my broken headphones');
    expect(botTexts(events)).toContain('billing: Hi Ada, Billing here. As a gold customer your refund gets priority.');
    expect(existsSync(file)).toBe(true);
    const scope = { kind: 'conversation', conversationId: id } as const;
    expect((await running.runtime.store.get('handoff', scope, 'accountTier'))?.value).toBe('gold');
    await running.close();
    demo.server = undefined;

    const { runtime } = await composeRuntime({ botsDir: DEMO_BOTS, cwd: process.cwd(), modelCacheDir: join(demo.tmp, 'models'), store: `sqlite:${file}` });
    try {
      expect((await runtime.store.get('handoff', scope, 'customerName'))?.value).toBe('Ada');
    } finally {
      await runtime.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function untilAsync(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

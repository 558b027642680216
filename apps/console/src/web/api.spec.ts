import { describe, expect, it } from 'vitest';
import { ConsoleApi, ConsoleApiError } from './api.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A stand-in for the server's API (the contract of issue 10), recording what the console sends. */
function mockServer(answers: Record<string, { status: number; body: unknown }>) {
  const calls: Call[] = [];
  const fetchImpl = async (url: string, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET';
    calls.push({ url, method, headers: (init?.headers ?? {}) as Record<string, string>, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const answer = answers[`${method} ${url}`];
    if (!answer) return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${method} ${url}` } }), { status: 404 });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
  return { api: new ConsoleApi('http://srv', fetchImpl), calls };
}

describe('ConsoleApi', () => {
  it('sends the conversation token as a bearer token and puts it in the event stream URL', async () => {
    const { api, calls } = mockServer({
      'POST http://srv/conversations': { status: 201, body: { conversationId: 'c 1', botId: 'concierge', userId: 'u', token: 'tok/en' } },
      'POST http://srv/conversations/c%201/messages': { status: 200, body: { events: [{ type: 'user-message', conversationId: 'c 1', text: 'hi' }] } },
    });
    const opened = await api.openConversation('concierge');
    expect(calls[0]).toMatchObject({ method: 'POST', body: { botId: 'concierge' } });
    const events = await api.sendMessage(opened.conversationId, opened.token, 'hi');
    expect(events).toHaveLength(1);
    expect(calls[1]?.headers).toMatchObject({ authorization: 'Bearer tok/en', 'content-type': 'application/json' });
    expect(calls[1]?.body).toEqual({ text: 'hi' });
    expect(api.eventsUrl('c 1', 'tok/en')).toBe('http://srv/conversations/c%201/events?access_token=tok%2Fen');
    expect(api.eventsUrl('c 1', undefined)).toBe('http://srv/conversations/c%201/events');
    expect(api.eventsUrl('c 1', 'tok', '7')).toBe('http://srv/conversations/c%201/events?access_token=tok&lastEventId=7');
    expect(api.eventsUrl('c 1', 'tok', '')).toBe('http://srv/conversations/c%201/events?access_token=tok');
  });

  it('sends no Authorization header when there is no token or operator key', async () => {
    const { api, calls } = mockServer({ 'PUT http://srv/bots/billing/status': { status: 200, body: { botId: 'billing', status: { connected: false, acceptsTransfers: true } } } });
    await api.setBotConnected('billing', false, undefined);
    expect(calls[0]?.headers.authorization).toBeUndefined();
    expect(calls[0]?.body).toEqual({ connected: false });
  });

  it('turns the server error shape into an error the page can show, with code, message and field', async () => {
    const { api } = mockServer({
      'PUT http://srv/bots/billing/status': { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'an operator API key is required' } } },
      'POST http://srv/conversations': { status: 400, body: { error: { code: 'INVALID_FIELD', message: 'botId must be a string', field: 'botId', value: 4 } } },
    });
    const refused = await api.setBotConnected('billing', false, 'wrong').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConsoleApiError);
    expect((refused as ConsoleApiError).describe()).toBe('UNAUTHORIZED: an operator API key is required');
    const invalid = (await api.openConversation('x').catch((e: unknown) => e)) as ConsoleApiError;
    expect(invalid).toMatchObject({ code: 'INVALID_FIELD', status: 400, field: 'botId', value: 4 });
    expect(invalid.describe()).toBe('INVALID_FIELD: botId must be a string (field "botId")');
  });

  it('reports a non-JSON failure and an unreachable server', async () => {
    const api = new ConsoleApi('', async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(api.listBots()).rejects.toMatchObject({ code: 'HTTP_502', status: 502 });
    const offline = new ConsoleApi('', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(offline.listBots()).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { silentLogger, type ConversationEvent, type ConversationState, type Logger } from '@bottango/core';
import type { AgentStatus, BottangoRuntime } from '@bottango/runtime';
import { HttpError, ServerErrorCode, toHttpError } from './http-error.js';
import { optionalBoolean, optionalString, readJsonObject, refuseUnknownFields, requireString } from './request-body.js';

export interface BottangoServerOptions {
  /** Largest request body accepted, in bytes (413 above). Default 65 536 (64 KiB). */
  readonly bodyLimitBytes?: number;
  /** Interval of the comment line sent on idle event streams, in ms. Default 15 000. */
  readonly heartbeatMs?: number;
  /** How long a client may take to send a whole request, in ms (Node's `requestTimeout`). Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** `close()` waits this long for requests in progress before it cuts their connections, in ms. Default 5 000. */
  readonly shutdownGraceMs?: number;
  /** `close()` also closes the runtime (and so its store). Default true. */
  readonly closeRuntime?: boolean;
  /** Where unexpected errors (500s) are logged. Default: nowhere. */
  readonly logger?: Logger;
}

/** A bot as `GET /bots` lists it. */
export interface BotSummary {
  readonly id: string;
  readonly name?: string;
  readonly skills: readonly string[];
  readonly group?: string;
  readonly status: AgentStatus;
}

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
}

export interface BottangoServer {
  /** The `node:http` server, not yet listening. */
  readonly server: Server;
  readonly runtime: BottangoRuntime;
  /** Starts listening (port 0: any free port); resolves with the real address. */
  listen(port?: number, host?: string): Promise<ListeningAddress>;
  /** Event streams open now. */
  readonly openStreams: number;
  /**
   * Stops taking requests, ends every event stream, lets requests in progress finish (up to `shutdownGraceMs`),
   * then closes the runtime. Safe to call more than once.
   */
  close(): Promise<void>;
}

const DEFAULTS = { bodyLimitBytes: 64 * 1024, heartbeatMs: 15_000, requestTimeoutMs: 30_000, shutdownGraceMs: 5_000 } as const;

type Params = readonly string[];
type Handler = (req: IncomingMessage, res: ServerResponse, params: Params) => Promise<void>;

interface Route {
  /** Path segments; `:` marks a parameter. */
  readonly segments: readonly string[];
  readonly methods: Readonly<Record<string, Handler>>;
}

interface EventStream {
  readonly res: ServerResponse;
  readonly heartbeat: NodeJS.Timeout;
}

/**
 * The HTTP API of a Bottango runtime: bots, their agent status, conversations, and a live event stream per
 * conversation (Server-Sent Events). Every error is a JSON `{ "error": { code, message, field?, value? } }`.
 */
export function createBottangoServer(runtime: BottangoRuntime, options: BottangoServerOptions = {}): BottangoServer {
  const bodyLimit = options.bodyLimitBytes ?? DEFAULTS.bodyLimitBytes;
  const heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs;
  const logger = options.logger ?? silentLogger;
  const streams = new Map<string, Set<EventStream>>();
  const inFlight = new Set<Promise<void>>();
  /** Per conversation, message requests in the order they arrived (a slow body does not let a later request pass it). */
  const arrivals = new Map<string, Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const stopListening = runtime.onEvent((event) => {
    for (const stream of streams.get(event.conversationId) ?? []) writeEvent(stream.res, event);
  });

  const inArrivalOrder = <T>(conversationId: string, task: () => Promise<T>): Promise<T> => {
    const previous = arrivals.get(conversationId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    arrivals.set(conversationId, tail);
    void tail.then(() => {
      if (arrivals.get(conversationId) === tail) arrivals.delete(conversationId);
    });
    return next;
  };

  const routes: Route[] = [
    {
      segments: ['health'],
      methods: { GET: async (_req, res) => sendJson(res, 200, { status: 'ok', bots: runtime.botIds }) },
    },
    {
      segments: ['bots'],
      methods: { GET: async (_req, res) => sendJson(res, 200, { bots: runtime.botIds.map((id) => botSummary(runtime, id)) }) },
    },
    {
      segments: ['bots', ':botId'],
      methods: { GET: async (_req, res, [botId = '']) => sendJson(res, 200, botSummary(runtime, knownBot(runtime, botId))) },
    },
    {
      segments: ['bots', ':botId', 'status'],
      methods: {
        GET: async (_req, res, [botId = '']) => sendJson(res, 200, statusBody(runtime, knownBot(runtime, botId))),
        PUT: async (req, res, [botId = '']) => {
          knownBot(runtime, botId);
          const body = await readJsonObject(req, bodyLimit);
          refuseUnknownFields(body, ['connected', 'acceptsTransfers']);
          const connected = optionalBoolean(body, 'connected');
          const acceptsTransfers = optionalBoolean(body, 'acceptsTransfers');
          if (connected === undefined && acceptsTransfers === undefined) {
            throw new HttpError(400, ServerErrorCode.MissingField, 'send "connected" and/or "acceptsTransfers" (true or false)', { field: 'connected' });
          }
          runtime.setAgentStatus(botId, { ...(connected !== undefined ? { connected } : {}), ...(acceptsTransfers !== undefined ? { acceptsTransfers } : {}) });
          sendJson(res, 200, statusBody(runtime, botId));
        },
      },
    },
    {
      segments: ['conversations'],
      methods: {
        POST: async (req, res) => {
          const body = await readJsonObject(req, bodyLimit);
          refuseUnknownFields(body, ['botId', 'userId']);
          const botId = requireString(body, 'botId');
          const userId = optionalString(body, 'userId');
          knownBot(runtime, botId, 'botId');
          const conversationId = await runtime.startConversation({ botId, ...(userId !== undefined ? { userId } : {}) });
          const state = await runtime.getConversation(conversationId);
          res.setHeader('Location', `/conversations/${encodeURIComponent(conversationId)}`);
          // startConversation sends nothing: the conversation's first events come with its first message.
          sendJson(res, 201, { conversationId, botId, userId: state?.userId ?? userId });
        },
      },
    },
    {
      segments: ['conversations', ':conversationId'],
      methods: { GET: async (_req, res, [id = '']) => sendJson(res, 200, await knownConversation(runtime, id)) },
    },
    {
      segments: ['conversations', ':conversationId', 'messages'],
      methods: {
        POST: (req, res, [id = '']) =>
          inArrivalOrder(id, async () => {
            await knownConversation(runtime, id);
            const body = await readJsonObject(req, bodyLimit);
            refuseUnknownFields(body, ['text']);
            const text = requireString(body, 'text');
            const events: ConversationEvent[] = await runtime.send(id, text);
            sendJson(res, 200, { events });
          }),
      },
    },
    {
      segments: ['conversations', ':conversationId', 'events'],
      methods: {
        GET: async (req, res, [id = '']) => {
          await knownConversation(runtime, id);
          openEventStream(req, res, id);
        },
      },
    },
  ];

  const openEventStream = (req: IncomingMessage, res: ServerResponse, conversationId: string): void => {
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    const stream: EventStream = { res, heartbeat };
    const set = streams.get(conversationId) ?? new Set<EventStream>();
    set.add(stream);
    streams.set(conversationId, set);
    const forget = (): void => {
      clearInterval(heartbeat);
      set.delete(stream);
      if (set.size === 0 && streams.get(conversationId) === set) streams.delete(conversationId);
    };
    req.once('close', forget);
    res.once('close', forget);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // A first line at once, so the client knows the stream is live before it sends anything.
    res.write(`: events of conversation ${conversationId}\n\n`);
    const follow = runtime.transport.followEvents?.bind(runtime.transport);
    if (follow) {
      // The bots run in other processes: stream what they publish, from the last event this client saw (Last-Event-ID).
      set.delete(stream);
      const stop = new AbortController();
      req.once('close', () => stop.abort());
      res.once('close', () => stop.abort());
      const lastEventId = req.headers['last-event-id'];
      void follow(conversationId, typeof lastEventId === 'string' && /^\d+-\d+$/.test(lastEventId) ? lastEventId : undefined, (event, eventId) => writeEvent(res, event, eventId), stop.signal).catch(
        (error: unknown) => logger.warn(`event stream of ${conversationId} stopped: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (closing) throw new HttpError(503, ServerErrorCode.ShuttingDown, 'the server is shutting down', { headers: { Connection: 'close' } });
      const { handler, params } = resolveRoute(routes, req.method ?? 'GET', req.url ?? '/');
      await handler(req, res, params);
    } catch (error) {
      const httpError = toHttpError(error);
      if (httpError.status >= 500 && httpError.code === ServerErrorCode.Internal) {
        logger.error(`${req.method ?? '?'} ${req.url ?? '?'} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      for (const [name, value] of Object.entries(httpError.extra.headers ?? {})) res.setHeader(name, value);
      sendJson(res, httpError.status, httpError.toBody());
    }
  };

  const server = createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const done = handle(req, res).finally(() => inFlight.delete(done));
    inFlight.add(done);
  });
  server.requestTimeout = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  // Malformed HTTP never reaches a handler: answer it in the same JSON shape, then drop the connection.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, code] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'REQUEST_TIMEOUT'] : error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'HEADERS_TOO_LARGE'] : [400, 'BAD_REQUEST'];
    const body = JSON.stringify({ error: { code, message: `malformed HTTP request: ${error.message}` } });
    socket.end(`HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  const close = async (): Promise<void> => {
    stopListening();
    for (const set of streams.values()) {
      for (const stream of set) {
        clearInterval(stream.heartbeat);
        stream.res.end();
      }
    }
    streams.clear();
    if (server.listening) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
    }
    await Promise.allSettled([...inFlight]);
    if (options.closeRuntime !== false) await runtime.close();
  };

  return {
    server,
    runtime,
    get openStreams(): number {
      let n = 0;
      for (const set of streams.values()) n += set.size;
      return n;
    },
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise<ListeningAddress>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` });
        });
      }),
    close: () => (closing ??= close()),
  };
}

function resolveRoute(routes: readonly Route[], method: string, url: string): { handler: Handler; params: Params } {
  const path = url.split('?')[0] ?? '/';
  let segments: string[];
  try {
    segments = path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    throw new HttpError(400, ServerErrorCode.InvalidPath, `the path ${JSON.stringify(path)} is not valid percent-encoding`);
  }
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue;
    const params: string[] = [];
    const matches = route.segments.every((s, i) => {
      const actual = segments[i] as string;
      if (s.startsWith(':')) {
        params.push(actual);
        return true;
      }
      return s === actual;
    });
    if (!matches) continue;
    const handler = route.methods[method];
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ');
      throw new HttpError(405, ServerErrorCode.MethodNotAllowed, `${method} is not allowed on ${path}; allowed: ${allow}`, { headers: { Allow: allow } });
    }
    return { handler, params };
  }
  throw new HttpError(404, ServerErrorCode.NotFound, `no route ${method} ${path} (routes: ${routes.map((r) => `/${r.segments.join('/')}`).join(', ')})`);
}

function knownBot(runtime: BottangoRuntime, botId: string, field?: string): string {
  if (!runtime.botIds.includes(botId)) {
    throw new HttpError(404, 'UNKNOWN_BOT', `no bot "${botId}" (bots: ${runtime.botIds.join(', ')})`, field === undefined ? {} : { field, value: botId });
  }
  return botId;
}

async function knownConversation(runtime: BottangoRuntime, conversationId: string): Promise<ConversationState> {
  const state = await runtime.getConversation(conversationId);
  if (!state) throw new HttpError(404, 'UNKNOWN_CONVERSATION', `no conversation "${conversationId}"`);
  return state;
}

function botSummary(runtime: BottangoRuntime, botId: string): BotSummary {
  const definition = runtime.bot(botId).definition;
  return {
    id: botId,
    ...(definition.name !== undefined ? { name: definition.name } : {}),
    skills: definition.skills,
    ...(definition.group !== undefined ? { group: definition.group } : {}),
    status: runtime.agentStatus(botId) ?? { connected: false, acceptsTransfers: false },
  };
}

function statusBody(runtime: BottangoRuntime, botId: string): { botId: string; status: AgentStatus } {
  return { botId, status: runtime.agentStatus(botId) ?? { connected: false, acceptsTransfers: false } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function writeEvent(res: ServerResponse, event: ConversationEvent, id?: string): void {
  res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

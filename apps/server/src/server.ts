import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { consoleDir as builtConsoleDir } from '@bottango/console';
import { BottangoError, BottangoErrorCode, silentLogger, type ConversationEvent, type ConversationState, type JsonValue, type Logger } from '@bottango/core';
import type { AgentStatus, BottangoRuntime } from '@bottango/runtime';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { ApiKeys, bearer, isLoopbackHost, matchesHash, newConversationToken, sha256 } from './auth.js';
import { ApiError, ServerErrorCode, toErrorResponse } from './errors.js';
import { ServerMetrics } from './metrics.js';
import * as S from './schemas.js';

export interface BottangoServerOptions {
  /** Largest request body accepted, in bytes (413 `PAYLOAD_TOO_LARGE` above). Default 65 536 (64 KiB). */
  readonly bodyLimitBytes?: number;
  /** Interval of the comment line sent on idle event streams, in ms. Default 15 000. */
  readonly heartbeatMs?: number;
  /** How long a client may take to send a whole request (headers and body), in ms; then 408 and the connection is closed. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** `close()` waits this long for requests in progress before it cuts their connections, in ms. Default 5 000. */
  readonly shutdownGraceMs?: number;
  /** `close()` also closes the runtime (and so its store). Default true. */
  readonly closeRuntime?: boolean;
  /** Where runtime-side warnings of the server go (event streams that stopped). Default: nowhere. */
  readonly logger?: Logger;
  /** The request log (pino JSON lines with request ids): `false` (default, quiet) or where and from which level. */
  readonly requestLog?: false | { readonly level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'; readonly stream?: NodeJS.WritableStream };
  /**
   * Operator API keys. Without any the server is in local mode: it listens only on loopback, and the operator
   * endpoints are open to whoever reaches it there.
   */
  readonly apiKeys?: readonly string[];
  /** Longest message text, in characters (400 `MESSAGE_TOO_LONG` above). Default 2 000. */
  readonly maxMessageChars?: number;
  /** Conversations an anonymous client (one IP address) may hold open at once (429 `TOO_MANY_CONVERSATIONS`). Default 20. */
  readonly maxConversationsPerClient?: number;
  /** Conversations one API key may hold open at once (it usually speaks for many users). Default 100 000. */
  readonly maxConversationsPerApiKey?: number;
  /** Event streams open at once on one conversation (429 `TOO_MANY_STREAMS`). Default 4. */
  readonly maxStreamsPerConversation?: number;
  /** Requests per minute from one anonymous client (IP address), 429 `TOO_MANY_REQUESTS` above; API-key callers are not limited. Default 600. */
  readonly rateLimitPerMinute?: number;
  /** A conversation with no request and no event for this long is removed (state, conversation-scope context, buffered events), in ms. Default 30 minutes. */
  readonly idleExpiryMs?: number;
  /** Events kept per conversation for event-stream resumes (Last-Event-ID), in-process. Default 256. */
  readonly eventBufferSize?: number;
  /** Context Session Store namespaces `GET /conversations/:id/context` reads. Default: the namespaces the bots' code names. */
  readonly contextNamespaces?: readonly string[];
  /** Folder of the web console served at `/` (`index.html`, `app.js`, `styles.css`), or `false` for none. Default: the built `@bottango/console`. */
  readonly consoleDir?: string | false;
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
  /** The `node:http` server under Fastify. */
  readonly server: Server;
  /** The Fastify instance (routes, `inject`, the OpenAPI document through `app.swagger()` once ready). */
  readonly app: FastifyInstance;
  readonly runtime: BottangoRuntime;
  /** Starts listening (port 0: any free port); resolves with the real address. Refuses a non-loopback host without API keys. */
  listen(port?: number, host?: string): Promise<ListeningAddress>;
  /** Event streams open now. */
  readonly openStreams: number;
  /** Conversations this server opened that are neither deleted nor expired. */
  readonly activeConversations: number;
  /**
   * Stops taking requests, ends every event stream, lets requests in progress finish (up to `shutdownGraceMs`),
   * then closes the runtime. Safe to call more than once.
   */
  close(): Promise<void>;
}

export const SERVER_DEFAULTS = {
  bodyLimitBytes: 64 * 1024,
  heartbeatMs: 15_000,
  requestTimeoutMs: 30_000,
  shutdownGraceMs: 5_000,
  maxMessageChars: 2_000,
  maxConversationsPerClient: 20,
  maxConversationsPerApiKey: 100_000,
  maxStreamsPerConversation: 4,
  rateLimitPerMinute: 600,
  idleExpiryMs: 30 * 60_000,
  eventBufferSize: 256,
} as const;

/** Who is calling: an operator API key (its index), or nobody in particular; `client` is the key for per-client limits. */
interface Caller {
  readonly apiKey: number;
  /** The SHA-256 of a bearer token that is not an API key (a conversation token, or a wrong key). */
  readonly tokenDigest: Buffer | undefined;
  readonly client: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

interface EventStream {
  readonly res: ServerResponse;
  readonly heartbeat: NodeJS.Timeout;
  readonly stop: AbortController;
  /** False when the transport writes this stream itself (followEvents); the runtime's events are then not written here. */
  readonly local: boolean;
}

/** Per conversation: its numbered recent events (in-process resume) and its open streams. */
interface ConversationEvents {
  seq: number;
  readonly buffer: { readonly id: number; readonly event: ConversationEvent }[];
  readonly streams: Set<EventStream>;
  /** When the last event came or the last stream closed (ms). */
  lastUsed: number;
}

/** Buffered events of a conversation with no open stream are dropped after this long (at most the idle expiry). */
const EVENT_BUFFER_IDLE_MS = 5 * 60_000;
/** Conversation token hashes kept in memory (the oldest is forgotten first; the state store has them all). */
const MAX_REMEMBERED_TOKENS = 200_000;

interface OpenedConversation {
  readonly botId: string;
  readonly userId: string;
  readonly client: string;
  readonly openedAt: number;
  lastActive: number;
}

const NOT_FOUND_MESSAGE = (id: string): string => `no conversation "${id}" (or the token is not this conversation's)`;

/**
 * The HTTP API of a Bottango runtime on Fastify: bots, their agent status, conversations with per-conversation
 * tokens, a live event stream per conversation (Server-Sent Events), readiness and Prometheus metrics. Every error is
 * a JSON `{ "error": { code, message, field?, value? } }`.
 */
export function createBottangoServer(runtime: BottangoRuntime, options: BottangoServerOptions = {}): BottangoServer {
  const o = { ...SERVER_DEFAULTS, ...definedOnly(options) };
  const logger = options.logger ?? silentLogger;
  const apiKeys = new ApiKeys(options.apiKeys ?? []);
  const localMode = apiKeys.size === 0;
  const events = new Map<string, ConversationEvents>();
  const opened = new Map<string, OpenedConversation>();
  const openedByClient = new Map<string, number>();
  const arrivals = new Map<string, Promise<unknown>>();
  /** Open connections and how many requests each has in progress: `close()` cuts the ones with none at once. */
  const connections = new Map<Socket, number>();
  const metrics = new ServerMetrics(() => opened.size);
  const namespaces = options.contextNamespaces ?? namespacesOfBots(runtime);
  let closing: Promise<void> | undefined;

  const eventsOf = (conversationId: string): ConversationEvents => {
    let entry = events.get(conversationId);
    if (!entry) {
      entry = { seq: 0, buffer: [], streams: new Set(), lastUsed: Date.now() };
      events.set(conversationId, entry);
    }
    return entry;
  };

  const stopListening = runtime.onEvent((event) => {
    metrics.onEvent(event);
    const known = opened.get(event.conversationId);
    if (known) known.lastActive = Date.now();
    const entry = eventsOf(event.conversationId);
    const id = ++entry.seq;
    entry.lastUsed = Date.now();
    entry.buffer.push({ id, event });
    if (entry.buffer.length > o.eventBufferSize) entry.buffer.shift();
    for (const stream of entry.streams) if (stream.local) writeEvent(stream.res, event, String(id));
  });

  /** Messages of one conversation run in the order their bodies arrived whole (a stalled body waits outside). */
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

  const limits = { bodyLimitBytes: o.bodyLimitBytes, maxMessageChars: o.maxMessageChars };
  const requestLog = options.requestLog;
  const app = Fastify({
    logger: requestLog
      ? {
          level: requestLog.level ?? 'info',
          ...(requestLog.stream ? { stream: requestLog.stream } : {}),
          // A conversation token in the query (?access_token=, EventSource) never reaches the log.
          serializers: {
            req: (req: { method: string; url: string; ip?: string; socket?: { remoteAddress?: string } }) => ({
              method: req.method,
              url: req.url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]'),
              remoteAddress: req.ip ?? req.socket?.remoteAddress,
            }),
          },
        }
      : false,
    bodyLimit: o.bodyLimitBytes,
    // A client's own X-Request-Id is kept when it is short and plain; otherwise the server makes one.
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const own = req.headers['x-request-id'];
      return typeof own === 'string' && /^[\w.:-]{1,128}$/.test(own) ? own : randomUUID();
    },
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    // The body must arrive whole within requestTimeoutMs; Node checks this at least every second.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: o.requestTimeoutMs,
          headersTimeout: Math.min(o.requestTimeoutMs, 60_000),
          connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(o.requestTimeoutMs / 4))),
        },
        handler,
      ),
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      // Malformed or too slow HTTP never reaches a handler: answer it in the same JSON shape, then drop the connection.
      if (!socket.writable || error.code === 'ECONNRESET') {
        socket.destroy();
        return;
      }
      const [status, code, message] =
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, ServerErrorCode.RequestTimeout, `the request did not arrive whole within ${o.requestTimeoutMs} ms (requestTimeoutMs)`]
          : error.code === 'HPE_HEADER_OVERFLOW'
            ? [431, 'HEADERS_TOO_LARGE', 'the request headers are too large']
            : [400, 'BAD_REQUEST', `malformed HTTP request: ${error.message}`];
      const body = JSON.stringify({ error: { code, message } });
      socket.end(`HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  } as FastifyServerOptions);

  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // An empty body is no body (a DELETE sent with a JSON content type); routes that need one say so.
    if (body === '') done(null, undefined);
    else defaultJson(req, body as string, done);
  });
  app.server.on('connection', (socket: Socket) => {
    connections.set(socket, 0);
    socket.once('close', () => connections.delete(socket));
  });
  app.server.on('request', (req: { socket: Socket }, res: ServerResponse) => {
    const socket = req.socket;
    connections.set(socket, (connections.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (connections.has(socket)) connections.set(socket, Math.max(0, (connections.get(socket) ?? 1) - 1));
    });
  });
  app.decorateRequest('caller', undefined as unknown as Caller);
  // A callback hook, not an async one: it runs on every request.
  app.addHook('onRequest', (req, reply, done) => {
    const token = bearer(req.headers.authorization);
    const digest = token === undefined ? undefined : sha256(token); // hashed once, for the key and the conversation
    const apiKey = digest === undefined || localMode ? -1 : apiKeys.find(digest);
    req.caller = { apiKey, tokenDigest: apiKey >= 0 ? undefined : digest, client: apiKey >= 0 ? `key:${apiKey}` : `ip:${req.ip}` };
    void reply.header('x-request-id', req.id);
    done(closing ? new ApiError(503, ServerErrorCode.ShuttingDown, 'the server is shutting down', { headers: { connection: 'close' } }) : undefined);
  });
  app.setErrorHandler((error, req, reply) => {
    const { status, body, headers } = toErrorResponse(error, (context, path) => valueAt(context === 'body' ? req.body : context === 'querystring' ? req.query : req.params, path), limits, req.headers['content-type']);
    if (status >= 500 && body.error.code === ServerErrorCode.Internal) req.log.error({ err: error }, 'request failed');
    if (reply.sent || reply.raw.headersSent) return;
    void reply.code(status).headers(headers ?? {}).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: ServerErrorCode.NotFound, message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}` } });
  });

  void app.register(swagger, {
    openapi: {
      info: { title: 'Bottango server', version: '1.0.0', description: 'Bots, conversations, live event streams. See apps/server/README.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An operator API key, or the conversation token from POST /conversations' } } },
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  void app.register(rateLimit, {
    global: true,
    max: o.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => req.caller.client,
    allowList: (req: FastifyRequest) => req.caller.apiKey >= 0,
    errorResponseBuilder: (_req: FastifyRequest, context: { max: number; ttl: number }) =>
      new ApiError(429, ServerErrorCode.TooManyRequests, `more than ${context.max} requests a minute from this client (rateLimitPerMinute); retry in ${Math.ceil(context.ttl / 1000)} s`),
  });
  const consoleRoot = options.consoleDir ?? builtConsoleDir;
  if (consoleRoot !== false) {
    // The web console at `/`: one route per file found at start-up (no wildcard), so any other path keeps the JSON 404.
    void app.register(fastifyStatic, { root: consoleRoot, prefix: '/', wildcard: false, index: ['index.html'], schemaHide: true });
  }

  /** Operator endpoints: an API key, or anyone in local mode (which listens on loopback only). */
  const operatorOnly = async (req: FastifyRequest): Promise<void> => {
    if (localMode || req.caller.apiKey >= 0) return;
    throw new ApiError(401, ServerErrorCode.Unauthorized, 'this endpoint needs an operator API key (Authorization: Bearer <key>)');
  };

  /** The conversation, if the caller holds its token or an operator key; 401 without any token, 404 otherwise. */
  const authorize = async (req: FastifyRequest, id: string, queryToken?: string): Promise<ConversationState> => {
    const token = req.caller.tokenDigest ?? (queryToken === undefined ? undefined : sha256(queryToken));
    if (req.caller.apiKey < 0 && token === undefined) {
      throw new ApiError(401, ServerErrorCode.Unauthorized, 'send the conversation token (Authorization: Bearer <token>) or an operator API key');
    }
    const state = await runtime.getConversation(id);
    if (!state) throw new ApiError(404, BottangoErrorCode.UnknownConversation, NOT_FOUND_MESSAGE(id));
    if (req.caller.apiKey >= 0) return state;
    const hash = state.metadata?.tokenSha256;
    if (typeof hash !== 'string' || token === undefined || !matchesHash(token, hash)) throw new ApiError(404, BottangoErrorCode.UnknownConversation, NOT_FOUND_MESSAGE(id));
    rememberTokenHash(id, hash);
    return state;
  };

  /** Token hashes this server has seen, so a message need not load the state only to check its token. */
  const tokenHashes = new Map<string, string>();
  const rememberTokenHash = (id: string, hash: string): void => {
    tokenHashes.delete(id);
    tokenHashes.set(id, hash);
    if (tokenHashes.size > MAX_REMEMBERED_TOKENS) tokenHashes.delete(tokenHashes.keys().next().value as string);
  };

  /** As `authorize`, without loading the state when this server knows the token's hash (or the caller has a key). */
  const mayAccess = async (req: FastifyRequest, id: string): Promise<void> => {
    const token = req.caller.tokenDigest;
    if (req.caller.apiKey >= 0) return; // runtime.send answers UNKNOWN_CONVERSATION for an unknown id
    const hash = tokenHashes.get(id);
    if (hash === undefined || token === undefined) {
      await authorize(req, id);
      return;
    }
    if (!matchesHash(token, hash)) throw new ApiError(404, BottangoErrorCode.UnknownConversation, NOT_FOUND_MESSAGE(id));
  };

  const touch = (id: string): void => {
    const known = opened.get(id);
    if (known) known.lastActive = Date.now();
  };

  const endStreams = (id: string): void => {
    const entry = events.get(id);
    for (const stream of entry?.streams ?? []) {
      clearInterval(stream.heartbeat);
      stream.stop.abort();
      stream.res.end();
    }
    entry?.streams.clear();
  };

  /** Removes a conversation: state, conversation-scope context, buffered events, streams. */
  const remove = async (id: string): Promise<void> => {
    endStreams(id);
    events.delete(id);
    tokenHashes.delete(id);
    metrics.forget(id);
    const known = opened.get(id);
    if (known) {
      opened.delete(id);
      const n = (openedByClient.get(known.client) ?? 1) - 1;
      if (n <= 0) openedByClient.delete(known.client);
      else openedByClient.set(known.client, n);
    }
    await runtime.deleteConversation(id);
    for (const ns of namespaces) {
      try {
        await runtime.store.deleteAll(ns, { kind: 'conversation', conversationId: id });
      } catch (error) {
        if (!(BottangoError.is(error) && error.code === BottangoErrorCode.NamespaceNotRegistered)) throw error;
      }
    }
  };

  const sweep = (): void => {
    const now = Date.now();
    for (const [id, known] of opened) {
      if (now - known.lastActive < o.idleExpiryMs) continue;
      if (arrivals.has(id)) continue; // a message is in progress
      remove(id).catch((error: unknown) => logger.warn(`expiring conversation ${id} failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    // Buffered events nobody streams go after a while (the numbering stays, so an id never means two events);
    // conversations this server did not open (another server's, over a shared store) are forgotten after the expiry.
    const bufferIdle = Math.min(o.idleExpiryMs, EVENT_BUFFER_IDLE_MS);
    for (const [id, entry] of events) {
      if (entry.streams.size > 0 || arrivals.has(id)) continue;
      if (!opened.has(id) && now - entry.lastUsed >= o.idleExpiryMs) {
        events.delete(id);
        metrics.forget(id);
      }
      else if (now - entry.lastUsed >= bufferIdle) entry.buffer.length = 0;
    }
  };
  const sweeper = setInterval(sweep, Math.max(20, Math.min(60_000, Math.floor(o.idleExpiryMs / 4))));
  sweeper.unref();

  const bearerSecurity = [{ bearer: [] as string[] }];

  void app.register(async (root) => {
    const api = root.withTypeProvider<TypeBoxTypeProvider>();

    api.get('/health', { schema: { summary: 'Liveness', response: { 200: S.HealthReply } }, config: { rateLimit: false } }, async () => ({ status: 'ok' as const }));

    api.get('/ready', { schema: { summary: 'Readiness: the context store, the state store and the transport (when it has a backend) answer', response: { 200: S.ReadyReply, 503: S.ReadyReply } }, config: { rateLimit: false } }, async (_req, reply) => {
      const checks: Record<string, string> = {};
      let ok = true;
      const probe = async (name: string, run: () => Promise<unknown>): Promise<void> => {
        try {
          await withTimeout(run(), 2_000, `${name} did not answer within 2 s`);
          checks[name] = 'ok';
        } catch (error) {
          ok = false;
          checks[name] = error instanceof Error ? error.message : String(error);
        }
      };
      const transport = runtime.transport;
      await Promise.all([
        probe('contextStore', () => runtime.store.getNamespace('__ready_probe')),
        probe('stateStore', () => runtime.getConversation('__ready_probe')),
        ...(transport.ping ? [probe('transport', () => (transport.ping as () => Promise<void>).call(transport))] : []),
      ]);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    });

    api.get('/bots', { schema: { summary: 'The bots and their agent status', response: { 200: S.Type.Object({ bots: S.Type.Array(S.BotSummarySchema) }) } } }, async () => ({
      bots: runtime.botIds.map((id) => botSummary(runtime, id)),
    }));

    api.get('/bots/:botId', { schema: { params: S.BotParams, response: { 200: S.BotSummarySchema, ...S.errors } } }, async (req) => botSummary(runtime, knownBot(runtime, req.params.botId)));

    api.get('/bots/:botId/status', { schema: { params: S.BotParams, response: { 200: S.StatusBody, ...S.errors } } }, async (req) => statusBody(runtime, knownBot(runtime, req.params.botId)));

    api.put(
      '/bots/:botId/status',
      { schema: { summary: 'Take a bot agent offline/online (operator)', security: bearerSecurity, params: S.BotParams, body: S.StatusUpdate, response: { 200: S.StatusBody, ...S.errors } }, preHandler: operatorOnly },
      async (req) => {
        const botId = knownBot(runtime, req.params.botId);
        const { connected, acceptsTransfers } = req.body;
        runtime.setAgentStatus(botId, { ...(connected !== undefined ? { connected } : {}), ...(acceptsTransfers !== undefined ? { acceptsTransfers } : {}) });
        return statusBody(runtime, botId);
      },
    );

    api.post(
      '/conversations',
      {
        schema: { summary: 'Open a conversation; the answer holds its token', security: bearerSecurity, body: S.Type.Optional(S.StartRequest), response: { 201: S.StartReply, ...S.errors } },
        preValidation: async (req) => {
          if (req.body === undefined || req.body === null) req.body = {};
        },
      },
      async (req, reply) => {
        const body = req.body ?? {};
        const { caller } = req;
        const botId = body.botId ?? (runtime.botIds.length === 1 ? runtime.botIds[0] : undefined);
        if (botId === undefined) throw new ApiError(400, ServerErrorCode.MissingField, `field "botId" is required (bots: ${runtime.botIds.join(', ')})`, { field: 'botId' });
        knownBot(runtime, botId, 'botId');
        if (body.userId !== undefined && caller.apiKey < 0) {
          throw new ApiError(403, ServerErrorCode.ForbiddenField, 'only a caller with an API key may choose the userId; leave it out and the server assigns one', { field: 'userId' });
        }
        const cap = caller.apiKey >= 0 ? o.maxConversationsPerApiKey : o.maxConversationsPerClient;
        const held = openedByClient.get(caller.client) ?? 0;
        if (held >= cap) {
          throw new ApiError(429, ServerErrorCode.TooManyConversations, `this client already holds ${held} open conversations; the limit is ${cap} (${caller.apiKey >= 0 ? 'maxConversationsPerApiKey' : 'maxConversationsPerClient'}); delete one or let it expire`);
        }
        const userId = body.userId ?? `anon-${randomUUID()}`;
        const token = newConversationToken();
        const tokenSha256 = sha256(token).toString('hex');
        const metadata: Record<string, JsonValue> = { tokenSha256 };
        openedByClient.set(caller.client, held + 1);
        let conversationId: string;
        try {
          conversationId = await runtime.startConversation({ botId, userId, metadata });
        } catch (error) {
          openedByClient.set(caller.client, (openedByClient.get(caller.client) ?? 1) - 1);
          throw error;
        }
        const now = Date.now();
        opened.set(conversationId, { botId, userId, client: caller.client, openedAt: now, lastActive: now });
        rememberTokenHash(conversationId, tokenSha256);
        // startConversation sends nothing: the conversation's first events come with its first message.
        return reply.code(201).header('location', `/conversations/${encodeURIComponent(conversationId)}`).send({ conversationId, botId, userId, token });
      },
    );

    api.get(
      '/conversations',
      { schema: { summary: 'Conversations this server opened (operator)', security: bearerSecurity, response: { 200: S.ConversationList, ...S.errors } }, preHandler: operatorOnly },
      async () => ({
        conversations: [...opened].map(([conversationId, c]) => ({
          conversationId,
          botId: c.botId,
          userId: c.userId,
          client: c.client,
          openedAt: new Date(c.openedAt).toISOString(),
          lastActiveAt: new Date(c.lastActive).toISOString(),
        })),
      }),
    );

    api.get('/conversations/:id', { schema: { summary: 'The conversation state', security: bearerSecurity, params: S.ConversationParams, response: { 200: S.ConversationReply, ...S.errors } } }, async (req) => {
      const state = await authorize(req, req.params.id);
      touch(req.params.id);
      const { metadata: _metadata, ...visible } = state;
      return visible as unknown as S.Static<typeof S.ConversationReply>;
    });

    api.delete('/conversations/:id', { schema: { summary: 'Remove the conversation (state, conversation-scope context, events)', security: bearerSecurity, params: S.ConversationParams, response: { 204: S.Type.Null(), ...S.errors } } }, async (req, reply) => {
      await authorize(req, req.params.id);
      await remove(req.params.id);
      return reply.code(204).send(null);
    });

    api.post(
      '/conversations/:id/messages',
      { schema: { summary: 'Send a user message; the answer holds every event it caused', security: bearerSecurity, params: S.ConversationParams, body: S.messageRequest(o.maxMessageChars), response: { 200: S.EventsReply, ...S.errors } } },
      async (req) => {
        const id = req.params.id;
        await mayAccess(req, id);
        touch(id);
        const started = performance.now();
        const sent: ConversationEvent[] = await inArrivalOrder(id, () => runtime.send(id, req.body.text));
        metrics.observeMessage((performance.now() - started) / 1000);
        touch(id);
        return { events: sent as unknown as S.Static<typeof S.EventSchema>[] };
      },
    );

    api.get('/conversations/:id/context', { schema: { summary: "The conversation's Context Session Store entries", security: bearerSecurity, params: S.ConversationParams, response: { 200: S.ContextReply, ...S.errors } } }, async (req) => {
      const state = await authorize(req, req.params.id);
      touch(req.params.id);
      const read = async (scope: { kind: 'conversation'; conversationId: string } | { kind: 'user'; userId: string }): Promise<Record<string, Record<string, JsonValue>>> => {
        const out: Record<string, Record<string, JsonValue>> = {};
        for (const ns of namespaces) {
          try {
            const values = await runtime.store.getAll(ns, scope);
            if (Object.keys(values).length > 0) out[ns] = values;
          } catch (error) {
            if (!(BottangoError.is(error) && error.code === BottangoErrorCode.NamespaceNotRegistered)) throw error;
          }
        }
        return out;
      };
      return {
        conversationId: state.id,
        userId: state.userId,
        namespaces: await read({ kind: 'conversation', conversationId: state.id }),
        userNamespaces: await read({ kind: 'user', userId: state.userId }),
      };
    });

    api.get(
      '/conversations/:id/events',
      {
        schema: {
          summary: 'Live events (Server-Sent Events); resume with Last-Event-ID or ?lastEventId=',
          description: 'EventSource cannot set headers: pass the token as ?access_token=<token>.',
          security: bearerSecurity,
          params: S.ConversationParams,
          querystring: S.EventsQuery,
          response: { 200: { description: 'text/event-stream', type: 'string' }, ...S.errors },
        },
      },
      async (req, reply) => {
        const id = req.params.id;
        await authorize(req, id, req.query.access_token);
        touch(id);
        const entry = eventsOf(id);
        if (entry.streams.size >= o.maxStreamsPerConversation) {
          throw new ApiError(429, ServerErrorCode.TooManyStreams, `this conversation already has ${entry.streams.size} open event streams; the limit is ${o.maxStreamsPerConversation} (maxStreamsPerConversation)`);
        }
        const header = req.headers['last-event-id'];
        const lastEventId = (typeof header === 'string' ? header : undefined) ?? req.query.lastEventId;
        reply.hijack();
        const res = reply.raw;
        const follow = runtime.transport.followEvents?.bind(runtime.transport);
        const stream: EventStream = { res, heartbeat: setInterval(() => res.write(': heartbeat\n\n'), o.heartbeatMs), stop: new AbortController(), local: follow === undefined };
        stream.heartbeat.unref();
        entry.streams.add(stream);
        const forget = (): void => {
          clearInterval(stream.heartbeat);
          stream.stop.abort();
          entry.streams.delete(stream);
          entry.lastUsed = Date.now();
        };
        req.raw.once('close', forget);
        res.once('close', forget);
        res.on('error', () => undefined);
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': req.id,
        });
        // A first line at once, so the client knows the stream is live before it sends anything.
        res.write(`: events of conversation ${id}\n\n`);
        if (follow) {
          // The bots run in other processes: stream what they publish, from the last event this client saw.
          void follow(id, transportEventId(lastEventId), (event, eventId) => writeEvent(res, event, eventId), stream.stop.signal).catch((error: unknown) =>
            logger.warn(`event stream of ${id} stopped: ${error instanceof Error ? error.message : String(error)}`),
          );
          return;
        }
        // In-process: replay what the client missed from this server's buffer, then go live.
        if (lastEventId !== undefined && /^\d+$/.test(lastEventId)) {
          const after = Number(lastEventId);
          const first = entry.buffer[0];
          if (first && first.id > after + 1) res.write(`: events ${after + 1}–${first.id - 1} are no longer kept (eventBufferSize)\n\n`);
          for (const { id: n, event } of entry.buffer) if (n > after) writeEvent(res, event, String(n));
        }
      },
    );

    api.get('/metrics', { schema: { summary: 'Prometheus metrics (operator)', security: bearerSecurity, response: { 200: { type: 'string' }, ...S.errors } }, preHandler: operatorOnly }, async (_req, reply) =>
      reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  });

  const close = async (): Promise<void> => {
    stopListening();
    clearInterval(sweeper);
    for (const id of events.keys()) endStreams(id);
    // Idle connections, and ones a client opened without sending anything yet, would hold server.close() up.
    const cutIdle = (): void => {
      for (const [socket, inProgress] of connections) if (inProgress === 0) socket.destroy();
    };
    cutIdle();
    const idleCutter = setInterval(cutIdle, 50);    const grace = setTimeout(() => app.server.closeAllConnections(), o.shutdownGraceMs);
    try {
      await app.close();
    } finally {
      clearTimeout(grace);
      clearInterval(idleCutter);
    }
    if (options.closeRuntime !== false) await runtime.close();
  };

  return {
    get server(): Server {
      return app.server;
    },
    app,
    runtime,
    get openStreams(): number {
      let n = 0;
      for (const entry of events.values()) n += entry.streams.size;
      return n;
    },
    get activeConversations(): number {
      return opened.size;
    },
    listen: async (port = 0, host = '127.0.0.1') => {
      if (localMode && !isLoopbackHost(host)) {
        throw new BottangoError(
          BottangoErrorCode.InvalidConfiguration,
          `refusing to listen on ${host} without operator API keys: anyone reaching it could take bots offline; give keys (--api-keys-file or BOTTANGO_API_KEYS) or listen on 127.0.0.1`,
          { details: { field: 'host', value: host } },
        );
      }
      await app.listen({ port, host });
      const address = app.server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` };
    },
    close: () => (closing ??= close()),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

function valueAt(root: unknown, instancePath: string): unknown {
  let value = root;
  for (const segment of instancePath.split('/').filter((s) => s !== '')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

/** Namespaces the bots' code names literally (`setContextDataForConversation('handoff', …)` and the like). */
function namespacesOfBots(runtime: BottangoRuntime): string[] {
  const found = new Set<string>();
  const re = /(?:ContextNamespace|ContextData(?:ForUser|ForConversation)?)\(\s*\\?["']([A-Za-z0-9_]{1,64})\\?["']/g;
  for (const id of runtime.botIds) {
    const definition = runtime.bot(id).definition;
    let text = JSON.stringify(definition);
    try {
      // Scripts are compiled into functions: the definition file holds their text.
      if (definition.source !== undefined) text += readFileSync(definition.source, 'utf8');
    } catch {
      // a definition built in code, or its file moved: the definition alone
    }
    for (const match of text.matchAll(re)) if (match[1]) found.add(match[1]);
  }
  return [...found].sort();
}

function knownBot(runtime: BottangoRuntime, botId: string, field?: string): string {
  if (!runtime.botIds.includes(botId)) {
    throw new ApiError(404, BottangoErrorCode.UnknownBot, `no bot "${botId}" (bots: ${runtime.botIds.join(', ')})`, field === undefined ? {} : { field, value: botId });
  }
  return botId;
}

function botSummary(runtime: BottangoRuntime, botId: string): S.Static<typeof S.BotSummarySchema> {
  const definition = runtime.bot(botId).definition;
  return {
    id: botId,
    ...(definition.name !== undefined ? { name: definition.name } : {}),
    skills: [...definition.skills],
    ...(definition.group !== undefined ? { group: definition.group } : {}),
    status: runtime.agentStatus(botId) ?? { connected: false, acceptsTransfers: false },
  };
}

function statusBody(runtime: BottangoRuntime, botId: string): { botId: string; status: AgentStatus } {
  return { botId, status: runtime.agentStatus(botId) ?? { connected: false, acceptsTransfers: false } };
}

function writeEvent(res: ServerResponse, event: ConversationEvent, id: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.write(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

/** A resume point for a transport's stream: its own `<n>-0` IDs, or a bare event number (`0`: from the start). */
function transportEventId(lastEventId: string | undefined): string | undefined {
  if (lastEventId === undefined) return undefined;
  if (/^\d+-\d+$/.test(lastEventId)) return lastEventId;
  return /^\d+$/.test(lastEventId) ? `${lastEventId}-0` : undefined;
}

import type { ConversationEvent } from '@bottango/core';

/** A bot as `GET /bots` lists it. */
export interface BotInfo {
  readonly id: string;
  readonly name?: string;
  readonly skills: readonly string[];
  readonly group?: string;
  readonly status: { readonly connected: boolean; readonly acceptsTransfers: boolean };
}

/** What `POST /conversations` answers. `token` is absent on servers without conversation tokens. */
export interface OpenedConversation {
  readonly conversationId: string;
  readonly botId: string;
  readonly userId: string;
  readonly token?: string;
}

/** The parts of `GET /conversations/:id` the console shows. */
export interface ConversationSummary {
  readonly ownerBotId?: string;
  readonly turns?: number;
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** `GET /conversations/:id/context`: Context Session Store entries by namespace. */
export interface ContextEntries {
  /** Conversation scope. */
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** User scope (the conversation's user), when the server sends it. */
  readonly userNamespaces?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** An error answer of the server (`{error:{code,message,field?,value?}}`), or a network failure (`NETWORK_ERROR`). */
export class ConsoleApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;
  readonly value: unknown;
  constructor(code: string, message: string, status: number, field?: string, value?: unknown) {
    super(message);
    this.name = 'ConsoleApiError';
    this.code = code;
    this.status = status;
    this.field = field;
    this.value = value;
  }

  /** One line for the user: code, message, and the field when the server named one. */
  describe(): string {
    return `${this.code}: ${this.message}${this.field !== undefined ? ` (field "${this.field}")` : ''}`;
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** The console's calls to the Bottango server. `baseUrl` is '' in the page (same origin). */
export class ConsoleApi {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
  ) {}

  async listBots(operatorKey?: string): Promise<readonly BotInfo[]> {
    const body = await this.request<{ bots: BotInfo[] }>('GET', '/bots', { bearer: operatorKey });
    return body.bots;
  }

  openConversation(botId: string): Promise<OpenedConversation> {
    return this.request<OpenedConversation>('POST', '/conversations', { json: { botId } });
  }

  async sendMessage(conversationId: string, token: string | undefined, text: string): Promise<readonly ConversationEvent[]> {
    const body = await this.request<{ events: ConversationEvent[] }>('POST', `/conversations/${encodeURIComponent(conversationId)}/messages`, {
      json: { text },
      bearer: token,
    });
    return body.events;
  }

  getConversation(conversationId: string, token: string | undefined): Promise<ConversationSummary> {
    return this.request<ConversationSummary>('GET', `/conversations/${encodeURIComponent(conversationId)}`, { bearer: token });
  }

  getContext(conversationId: string, token: string | undefined): Promise<ContextEntries> {
    return this.request<ContextEntries>('GET', `/conversations/${encodeURIComponent(conversationId)}/context`, { bearer: token });
  }

  setBotConnected(botId: string, connected: boolean, operatorKey: string | undefined): Promise<{ botId: string; status: BotInfo['status'] }> {
    return this.request('PUT', `/bots/${encodeURIComponent(botId)}/status`, { json: { connected }, bearer: operatorKey });
  }

  /**
   * URL of the conversation's event stream. EventSource cannot send headers, so the token goes in the query, and so
   * does the last event seen when a new EventSource resumes a stream (`lastEventId`; the browser's own reconnects send
   * the `Last-Event-ID` header instead).
   */
  eventsUrl(conversationId: string, token: string | undefined, lastEventId?: string): string {
    const query = new URLSearchParams();
    if (token !== undefined) query.set('access_token', token);
    if (lastEventId) query.set('lastEventId', lastEventId);
    const path = `${this.baseUrl}/conversations/${encodeURIComponent(conversationId)}/events`;
    return query.size > 0 ? `${path}?${query.toString()}` : path;
  }

  private async request<T>(method: string, path: string, options: { json?: unknown; bearer?: string | undefined }): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
      });
    } catch (cause) {
      throw new ConsoleApiError('NETWORK_ERROR', `the server could not be reached (${method} ${path}): ${String(cause)}`, 0);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) throw toApiError(response.status, body, `${method} ${path}`);
    return body as T;
  }
}

function toApiError(status: number, body: unknown, what: string): ConsoleApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; field?: unknown; value?: unknown };
    const code = typeof e.code === 'string' ? e.code : `HTTP_${status}`;
    const message = typeof e.message === 'string' ? e.message : `${what} failed with status ${status}`;
    return new ConsoleApiError(code, message, status, typeof e.field === 'string' ? e.field : undefined, e.value);
  }
  return new ConsoleApiError(`HTTP_${status}`, `${what} failed with status ${status}`, status);
}

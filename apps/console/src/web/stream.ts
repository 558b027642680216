import type { ConversationEvent, ConversationEventType } from '@bottango/core';

/** How the live event stream stands, as the status line shows it. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

const EVENT_TYPES: readonly ConversationEventType[] = [
  'user-message',
  'bot-message',
  'dialog-started',
  'transfer',
  'transfer-failed',
  'fallback',
  'disambiguation',
  'dialog-ended',
  'system-command',
  'error',
];

export interface ConversationStreamHandlers {
  readonly onEvent: (event: ConversationEvent) => void;
  readonly onStatus: (status: StreamStatus) => void;
}

/**
 * A conversation's SSE stream. While the connection drops and comes back, the browser's EventSource reconnects by
 * itself and sends `Last-Event-ID`, so the server resumes after the last event seen. When the EventSource gives up
 * (the server answered with an error, or closed for good), this opens a new one after a growing pause (1 s … 15 s);
 * `reconnect()` does it at once. A new EventSource resumes from the last event seen too: `urlFor` puts it in the URL.
 */
export class ConversationStream {
  private source: EventSource | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelayMs = 1000;
  private stopped = false;
  private opened = false;
  /** The ID of the last event received; set it before `open()` to resume from there. */
  lastEventId = '';

  constructor(
    private readonly urlFor: (lastEventId: string) => string,
    private readonly handlers: ConversationStreamHandlers,
  ) {}

  open(): void {
    this.stopped = false;
    this.connect();
  }

  /** Drops the current connection (if any) and connects again now. */
  reconnect(): void {
    this.disconnect();
    this.stopped = false;
    this.retryDelayMs = 1000;
    this.connect();
  }

  close(): void {
    this.stopped = true;
    this.disconnect();
    this.handlers.onStatus('closed');
  }

  private connect(): void {
    this.handlers.onStatus(this.opened ? 'reconnecting' : 'connecting');
    const source = new EventSource(this.urlFor(this.lastEventId));
    this.source = source;
    source.onopen = () => {
      this.opened = true;
      this.retryDelayMs = 1000;
      this.handlers.onStatus('live');
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === EventSource.CONNECTING) {
        this.handlers.onStatus('reconnecting');
        return;
      }
      // CLOSED: the browser will not retry; do it ourselves.
      this.disconnect();
      if (this.stopped) return;
      this.handlers.onStatus('reconnecting');
      this.retryTimer = setTimeout(() => this.connect(), this.retryDelayMs);
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, 15_000);
    };
    const onMessage = (message: MessageEvent<string>): void => {
      if (this.source !== source) return;
      if (message.lastEventId) this.lastEventId = message.lastEventId;
      let event: ConversationEvent;
      try {
        event = JSON.parse(message.data) as ConversationEvent;
      } catch {
        return;
      }
      this.handlers.onEvent(event);
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onMessage as EventListener);
    source.onmessage = onMessage;
  }

  private disconnect(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.source?.close();
    this.source = undefined;
  }
}

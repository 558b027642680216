import type { Clock, ClockTimer } from '@bottango/core';

/**
 * Line breaks in transfer messages (spec 3.2): Conversation Builder writes a new line as a backslash-escaped `\n`, so
 * the two characters `\n` (or `\\n`) become a line break. A real line break (a double-quoted YAML `"\n"`) stays one.
 */
export function withLineBreaks(text: string): string {
  return text.replace(/\\{1,2}n/g, '\n');
}

/** Resolves after `ms` on `clock` (at once for 0), or as soon as `signal` aborts (the runtime closing). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** One timer per conversation (greetings): setting one replaces the previous, and `clearAll` stops them at close. */
export class ConversationTimers {
  readonly #clock: Clock;
  readonly #timers = new Map<string, ClockTimer>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  set(conversationId: string, ms: number, fn: () => void): void {
    this.clear(conversationId);
    const timer = this.#clock.setTimeout(() => {
      if (this.#timers.get(conversationId) !== timer) return;
      this.#timers.delete(conversationId);
      fn();
    }, ms);
    this.#timers.set(conversationId, timer);
  }

  clear(conversationId: string): void {
    const timer = this.#timers.get(conversationId);
    if (timer === undefined) return;
    this.#clock.clearTimeout(timer);
    this.#timers.delete(conversationId);
  }

  clearAll(): void {
    for (const id of this.#timers.keys()) this.clear(id);
  }
}

/**
 * A batch is handled at once when it holds this many messages or characters: a client that writes faster than the
 * delay would otherwise hold its messages (and their callers) unhandled, growing, for as long as it keeps writing.
 */
const MAX_JOINED_MESSAGES = 20;
const MAX_JOINED_CHARACTERS = 10_000;

interface Batch<T> {
  readonly texts: string[];
  characters: number;
  readonly waiters: { resolve: (value: T) => void; reject: (error: unknown) => void }[];
  handle: (joined: string) => Promise<T>;
}

/**
 * `messageDelay` (spec 1.3): user messages of one conversation that arrive within `ms` of the one before are joined
 * with a space and handled as one message, `ms` after the last of them. Every caller of the batch gets the one result.
 */
export class MessageJoiner<T> {
  readonly #timers: ConversationTimers;
  readonly #batches = new Map<string, Batch<T>>();

  constructor(clock: Clock) {
    this.#timers = new ConversationTimers(clock);
  }

  join(conversationId: string, text: string, ms: number, handle: (joined: string) => Promise<T>): Promise<T> {
    let batch = this.#batches.get(conversationId);
    if (!batch) {
      batch = { texts: [], characters: 0, waiters: [], handle };
      this.#batches.set(conversationId, batch);
    }
    batch.texts.push(text);
    batch.characters += text.length + 1;
    const result = new Promise<T>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.texts.length >= MAX_JOINED_MESSAGES || batch.characters >= MAX_JOINED_CHARACTERS) {
      this.#timers.clear(conversationId);
      this.#flush(conversationId);
    } else {
      this.#timers.set(conversationId, ms, () => this.#flush(conversationId));
    }
    return result;
  }

  /** Handles every waiting batch now (the runtime is closing). */
  flushAll(): void {
    this.#timers.clearAll();
    for (const id of this.#batches.keys()) this.#flush(id);
  }

  #flush(conversationId: string): void {
    const batch = this.#batches.get(conversationId);
    if (!batch) return;
    this.#batches.delete(conversationId);
    batch.handle(batch.texts.join(' ')).then(
      (value) => batch.waiters.forEach((w) => w.resolve(value)),
      (error: unknown) => batch.waiters.forEach((w) => w.reject(error)),
    );
  }
}

import type { Redis } from 'ioredis';
import { BottangoError, BottangoErrorCode, type ConversationEvent } from '@bottango/core';
import type { ConversationEvents, EventEntry } from './conversation-events.js';
import type { StreamKeys } from './keys.js';

/** How often a front reads the stream even without a nudge (a nudge published while it was reconnecting is lost). */
const POLL_MS = 250;

/** Lets a front wait for a conversation's events: nudged through pub/sub, reading the stream itself. */
export class EventFollower {
  readonly #subscriber: Redis;
  readonly #events: ConversationEvents;
  readonly #keys: StreamKeys;
  readonly #wakers = new Map<string, Set<() => void>>();

  constructor(subscriber: Redis, events: ConversationEvents, keys: StreamKeys) {
    this.#subscriber = subscriber;
    this.#events = events;
    this.#keys = keys;
    subscriber.on('message', (channel: string) => {
      for (const wake of this.#wakers.get(channel) ?? []) wake();
    });
  }

  /**
   * Calls `onEntry` for every entry after `fromId` until it returns true, or fails with TRANSFER_FAILED after
   * `timeoutMs` without that.
   */
  async follow(conversationId: string, fromId: string, onEntry: (entry: EventEntry) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const channel = this.#keys.eventsChannel(conversationId);
    let wake: () => void = () => undefined;
    const waker = (): void => wake();
    let wakers = this.#wakers.get(channel);
    if (!wakers) {
      wakers = new Set();
      this.#wakers.set(channel, wakers);
      await this.#subscriber.subscribe(channel);
    }
    wakers.add(waker);
    signal?.addEventListener('abort', waker);
    const deadline = Date.now() + timeoutMs;
    let last = fromId;
    try {
      for (;;) {
        for (const entry of await this.#events.after(conversationId, last)) {
          last = entry.id;
          if (onEntry(entry)) return;
        }
        if (signal?.aborted) return;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new BottangoError(BottangoErrorCode.TransferFailed, `conversation "${conversationId}" did not settle within ${timeoutMs} ms (is a bot agent for its bot running?)`, {
            details: { conversationId, timeoutMs },
          });
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(POLL_MS, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      signal?.removeEventListener('abort', waker);
      wakers.delete(waker);
      if (wakers.size === 0) {
        this.#wakers.delete(channel);
        await this.#subscriber.unsubscribe(channel).catch(() => undefined);
      }
    }
  }

  /** The events after `fromId` up to the mark that the conversation settled with message `seq` applied. */
  async untilSettled(conversationId: string, fromId: string, seq: number, timeoutMs: number): Promise<ConversationEvent[]> {
    const events: ConversationEvent[] = [];
    await this.follow(conversationId, fromId, (entry) => {
      if (entry.event) events.push(entry.event);
      return entry.settled !== undefined && entry.settled >= seq;
    }, timeoutMs);
    return events;
  }
}

import type { Redis } from 'ioredis';
import { BottangoError, BottangoErrorCode, type ConversationEvent } from '@bottango/core';
import type { ConversationEvents, EventEntry } from './conversation-events.js';
import type { StreamKeys } from './keys.js';

/** How often a front reads the stream even without a nudge (a nudge published while it was reconnecting is lost). */
const POLL_MS = 250;
/** A channel stays subscribed this long after its last follower left (the next message of the conversation is likely). */
const LINGER_MS = 30_000;

interface Channel {
  readonly wakers: Set<() => void>;
  readonly subscribed: Promise<unknown>;
  idle?: NodeJS.Timeout;
}

/** Lets a front wait for a conversation's events: nudged through pub/sub, reading the stream itself. */
export class EventFollower {
  readonly #subscriber: Redis;
  readonly #events: ConversationEvents;
  readonly #keys: StreamKeys;
  readonly #channels = new Map<string, Channel>();

  constructor(subscriber: Redis, events: ConversationEvents, keys: StreamKeys) {
    this.#subscriber = subscriber;
    this.#events = events;
    this.#keys = keys;
    subscriber.on('message', (channel: string) => {
      for (const wake of this.#channels.get(channel)?.wakers ?? []) wake();
    });
  }

  async #join(name: string, waker: () => void): Promise<Channel> {
    let channel = this.#channels.get(name);
    if (!channel) {
      channel = { wakers: new Set(), subscribed: this.#subscriber.subscribe(name) };
      this.#channels.set(name, channel);
    }
    clearTimeout(channel.idle);
    channel.wakers.add(waker);
    await channel.subscribed;
    return channel;
  }

  #leave(name: string, channel: Channel, waker: () => void): void {
    channel.wakers.delete(waker);
    if (channel.wakers.size > 0) return;
    channel.idle = setTimeout(() => {
      if (channel.wakers.size > 0 || this.#channels.get(name) !== channel) return;
      this.#channels.delete(name);
      this.#subscriber.unsubscribe(name).catch(() => undefined);
    }, LINGER_MS);
    channel.idle.unref();
  }

  /**
   * Calls `onEntry` for every entry after `fromId` until it returns true, or fails with SETTLE_TIMEOUT after
   * `timeoutMs` without that.
   */
  async follow(conversationId: string, fromId: string, onEntry: (entry: EventEntry) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const name = this.#keys.eventsChannel(conversationId);
    // A nudge that comes while the stream is being read must not be lost: it is noted and the stream read again.
    let nudged = false;
    let wake: () => void = () => undefined;
    const waker = (): void => {
      nudged = true;
      wake();
    };
    const channel = await this.#join(name, waker);
    signal?.addEventListener('abort', waker);
    const deadline = Date.now() + timeoutMs;
    let last = fromId;
    try {
      for (;;) {
        nudged = false;
        for (const entry of await this.#events.after(conversationId, last)) {
          last = entry.id;
          if (onEntry(entry)) return;
        }
        if (signal?.aborted) return;
        if (nudged) continue;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new BottangoError(BottangoErrorCode.SettleTimeout, `conversation "${conversationId}" did not settle within ${timeoutMs} ms (is a bot agent for its bot running?)`, {
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
        wake = () => undefined;
      }
    } finally {
      signal?.removeEventListener('abort', waker);
      this.#leave(name, channel, waker);
    }
  }

  /** The events after `fromId` up to the mark that the conversation settled with message `seq` applied. */
  async untilSettled(conversationId: string, fromId: string, seq: number, timeoutMs: number): Promise<ConversationEvent[]> {
    const events: ConversationEvent[] = [];
    await this.follow(conversationId, fromId, (entry) => {
      events.push(...entry.events);
      return entry.settled !== undefined && entry.settled >= seq;
    }, timeoutMs);
    return events;
  }
}

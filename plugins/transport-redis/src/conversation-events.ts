import type { Redis } from 'ioredis';
import type { ConversationEvent } from '@bottango/core';
import type { StreamKeys } from './keys.js';
import { PUBLISH_EVENTS } from './lua.js';

/** One entry of a conversation's event stream: an event, or the mark that the conversation settled. */
export interface EventEntry {
  /** Stream ID: `n-0` for event number n, `n-1` for "settled after event n". Fronts resume from it. */
  readonly id: string;
  readonly event?: ConversationEvent;
  /** Set on a settled mark: the last user message applied (no transfer in flight). */
  readonly settled?: number;
}

type PublishingRedis = Redis & { bottangoPublishEvents(stream: string, channel: string, ...args: (string | number)[]): Promise<number> };

/**
 * Each conversation's events as a Redis stream numbered by the conversation state, so a step published twice
 * (after a crash) adds nothing, and a front can read from any point.
 */
export class ConversationEvents {
  readonly #redis: PublishingRedis;
  readonly #keys: StreamKeys;
  readonly #maxLength: number;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, keys: StreamKeys, limits: { readonly maxLength: number; readonly ttlSeconds: number }) {
    redis.defineCommand('bottangoPublishEvents', { numberOfKeys: 2, lua: PUBLISH_EVENTS });
    this.#redis = redis as PublishingRedis;
    this.#keys = keys;
    this.#maxLength = limits.maxLength;
    this.#ttlSeconds = limits.ttlSeconds;
  }

  /**
   * Publishes runs of events, each numbered from its `first` (oldest run first; one round trip), then, with
   * `settledSeq`, the settled mark after the last event.
   */
  async publish(conversationId: string, runs: readonly { readonly first: number; readonly events: readonly ConversationEvent[] }[], settledSeq?: number): Promise<void> {
    const args: (string | number)[] = [this.#maxLength, this.#ttlSeconds];
    let last = 0;
    for (const { first, events } of runs) {
      events.forEach((event, i) => args.push(`${first + i}-0`, 'event', JSON.stringify(event)));
      last = Math.max(last, first + events.length - 1);
    }
    if (settledSeq !== undefined && last >= 1) args.push(`${last}-1`, 'settled', settledSeq);
    if (args.length === 2) return;
    await this.#redis.bottangoPublishEvents(this.#keys.events(conversationId), this.#keys.eventsChannel(conversationId), ...args);
  }

  /** ID of the newest entry, or `0-0`. */
  async lastId(conversationId: string): Promise<string> {
    const [newest] = await this.#redis.xrevrange(this.#keys.events(conversationId), '+', '-', 'COUNT', 1);
    return newest?.[0] ?? '0-0';
  }

  /** Entries after `id` (exclusive), oldest first. */
  async after(conversationId: string, id: string, count = 500): Promise<EventEntry[]> {
    const entries = await this.#redis.xrange(this.#keys.events(conversationId), `(${id}`, '+', 'COUNT', count);
    return entries.map(([entryId, fields]) => toEntry(entryId, fields));
  }
}

function toEntry(id: string, fields: readonly string[]): EventEntry {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'event') return { id, event: JSON.parse(fields[i + 1] as string) as ConversationEvent };
    if (fields[i] === 'settled') return { id, settled: Number(fields[i + 1]) };
  }
  return { id };
}

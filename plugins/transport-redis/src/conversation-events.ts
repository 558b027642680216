import type { Redis } from 'ioredis';
import type { ConversationEvent } from '@bottango/core';
import type { StreamKeys } from './keys.js';
import { fieldsToRecord } from './entries.js';
import { PUBLISH_EVENTS } from './lua.js';

/** One entry of a conversation's event stream: the events of one stored step. */
export interface EventEntry {
  /** Stream ID `n-0`, n the number of the step's last event (numbers come from the conversation state). */
  readonly id: string;
  /** Number of the step's first event. */
  readonly first: number;
  readonly events: readonly ConversationEvent[];
  /** Set when the step left the conversation settled (no transfer in flight): the last user message applied. */
  readonly settled?: number;
}

/** Events numbered from `first`, as a step stored them. */
export interface EventRun {
  readonly first: number;
  readonly events: readonly ConversationEvent[];
}

type PublishingRedis = Redis & { bottangoPublishEvents(stream: string, channel: string, input: string, ...args: (string | number)[]): Promise<number> };

/** A stream entry to acknowledge (and delete) in the same call as the events it caused. */
export interface InputEntry {
  readonly stream: string;
  readonly group: string;
  readonly id: string;
}

/**
 * Each conversation's events as a Redis stream, one entry per step, numbered by the conversation state: a step
 * published twice (after a crash) adds nothing, and a front can read from any point.
 */
export class ConversationEvents {
  readonly #redis: PublishingRedis;
  readonly #keys: StreamKeys;
  readonly #maxLength: number;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, keys: StreamKeys, limits: { readonly maxLength: number; readonly ttlSeconds: number }) {
    redis.defineCommand('bottangoPublishEvents', { numberOfKeys: 3, lua: PUBLISH_EVENTS });
    this.#redis = redis as PublishingRedis;
    this.#keys = keys;
    this.#maxLength = limits.maxLength;
    this.#ttlSeconds = limits.ttlSeconds;
  }

  /**
   * Publishes steps (oldest first, one round trip); with `settledSeq`, the last one settles the conversation. With
   * `input`, that entry is acknowledged and deleted in the same call.
   * @internal Used by the transport and its agents.
   */
  async publish(conversationId: string, runs: readonly EventRun[], settledSeq?: number, input?: InputEntry): Promise<void> {
    const args: (string | number)[] = [this.#maxLength, this.#ttlSeconds, input?.group ?? '', input?.id ?? ''];
    const nonEmpty = runs.filter((run) => run.events.length > 0);
    nonEmpty.forEach(({ first, events }, i) => {
      const settled = i === nonEmpty.length - 1 && settledSeq !== undefined ? settledSeq : '';
      args.push(`${first + events.length - 1}-0`, first, JSON.stringify(events), settled);
    });
    if (nonEmpty.length === 0 && input === undefined) return;
    const events = this.#keys.events(conversationId);
    await this.#redis.bottangoPublishEvents(events, this.#keys.eventsChannel(conversationId), input?.stream ?? events, ...args);
  }

  /** Entries after `id` (exclusive), oldest first. */
  async after(conversationId: string, id: string, count = 200): Promise<EventEntry[]> {
    const entries = await this.#redis.xrange(this.#keys.events(conversationId), `(${id}`, '+', 'COUNT', count);
    return entries.map(([entryId, fields]) => toEntry(entryId, fields));
  }

  /** ID of the newest entry, or `0-0`. */
  async lastId(conversationId: string): Promise<string> {
    const [newest] = await this.#redis.xrevrange(this.#keys.events(conversationId), '+', '-', 'COUNT', 1);
    return newest?.[0] ?? '0-0';
  }
}

/** An entry no Bottango process wrote (its events are not a JSON array) counts as empty, so readers go past it. */
function toEntry(id: string, fields: readonly string[]): EventEntry {
  const record = fieldsToRecord(fields);
  let events: ConversationEvent[] = [];
  try {
    const parsed: unknown = JSON.parse(record['events'] ?? '[]');
    if (Array.isArray(parsed)) events = parsed as ConversationEvent[];
  } catch {
    // left empty
  }
  const settled = Number(record['settled']);
  return { id, first: Number(record['first']), events, ...(record['settled'] !== undefined && Number.isSafeInteger(settled) ? { settled } : {}) };
}

import type { Redis } from 'ioredis';
import {
  BottangoError,
  BottangoErrorCode,
  TransferFailureReason,
  silentLogger,
  type ConversationEvent,
  type ConversationState,
  type Logger,
  type TransferOutcome,
  type TransferReceiver,
  type TransferRequest,
  type TransferTransport,
} from '@bottango/core';
import { parseRedisUrl } from '@bottango/store-redis';
import { AgentRegistry } from './agent-registry.js';
import { ConversationEvents } from './conversation-events.js';
import { deadlineMember } from './entries.js';
import { EventFollower } from './event-follower.js';
import { DEFAULT_STREAM_PREFIX, StreamKeys } from './keys.js';
import { SEND_MESSAGE } from './lua.js';
import { connectRedis } from './redis-connection.js';

export interface RedisStreamsTransportOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…`. */
  readonly url: string;
  /** Prefix of every key. Default `bottango:bus:`. */
  readonly keyPrefix?: string;
  /** A submitted transfer no agent took by then fails late with `timeout`. Default 10 000 ms. */
  readonly transferTimeoutMs?: number;
  /** Entries pending this long with a consumer are claimed by another (the first is presumed dead). Default 5 000 ms. */
  readonly claimIdleMs?: number;
  /** Bot agents' heartbeat period; an agent missing three counts as dead. Default 1 000 ms. */
  readonly heartbeatMs?: number;
  /** How long a front waits for a conversation to settle after a user message. Default 60 000 ms. */
  readonly sendTimeoutMs?: number;
  /** Events kept per conversation stream (approximately). Default 1 000. */
  readonly maxEventsPerConversation?: number;
  /** A conversation's event stream is deleted after this many seconds without events. Default 604 800 (7 days). */
  readonly eventsTtlSeconds?: number;
  readonly connectTimeoutMs?: number;
  readonly logger?: Logger;
}

export interface ResolvedTransportSettings {
  readonly transferTimeoutMs: number;
  readonly claimIdleMs: number;
  readonly heartbeatMs: number;
  readonly sendTimeoutMs: number;
}

type SendingRedis = Redis & { bottangoSendMessage(seqKey: string, inbox: string, events: string, conversationId: string, text: string): Promise<[number, string]> };

/**
 * Transfers and user messages between bot agents in separate processes over Redis Streams with consumer groups.
 * As a transport it submits transfers (the receiving process settles them) and, for a front, hands user messages
 * to the owner's inbox and waits for the conversation to settle. `RedisBotAgent` is the consuming side.
 */
/**
 * A Redis Streams transport, also from another copy of this package (a project's own next to the CLI's), where
 * `instanceof` fails: the bot agent needs only its public members.
 */
export function isRedisStreamsTransport(value: unknown): value is RedisStreamsTransport {
  if (value instanceof RedisStreamsTransport) return true;
  const candidate = value as Partial<Record<keyof RedisStreamsTransport, unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.id === 'redis-streams' &&
    ['redis', 'keys', 'registry', 'settings', 'events'].every((member) => (candidate as Record<string, unknown>)[member] !== undefined) &&
    ['clearDeadline', 'reportFailure', 'ensureDeadline', 'forwardMessage'].every((method) => typeof (candidate as Record<string, unknown>)[method] === 'function')
  );
}

export class RedisStreamsTransport implements TransferTransport {
  readonly id = 'redis-streams';
  readonly keys: StreamKeys;
  readonly settings: ResolvedTransportSettings;
  readonly registry: AgentRegistry;
  readonly events: ConversationEvents;
  readonly logger: Logger;
  /** The Redis URL without its password. */
  readonly url: string;
  readonly #redis: SendingRedis;
  readonly #follower: EventFollower;
  readonly #connections: Redis[];
  #closed = false;

  private constructor(redis: Redis, subscriber: Redis, options: RedisStreamsTransportOptions, settings: ResolvedTransportSettings) {
    redis.defineCommand('bottangoSendMessage', { numberOfKeys: 3, lua: SEND_MESSAGE });
    this.#redis = redis as SendingRedis;
    this.#connections = [redis, subscriber];
    this.url = parseRedisUrl(options.url, 'Redis transport').safeUrl;
    this.keys = new StreamKeys(options.keyPrefix ?? DEFAULT_STREAM_PREFIX);
    this.settings = settings;
    this.logger = options.logger ?? silentLogger;
    this.registry = new AgentRegistry(redis, this.keys.agents);
    this.events = new ConversationEvents(redis, this.keys, { maxLength: options.maxEventsPerConversation ?? 1_000, ttlSeconds: options.eventsTtlSeconds ?? 604_800 });
    this.#follower = new EventFollower(subscriber, this.events, this.keys);
  }

  /** Connects; fails with INVALID_CONFIGURATION for bad options and TRANSPORT_UNAVAILABLE when Redis does not answer. */
  static async connect(options: RedisStreamsTransportOptions): Promise<RedisStreamsTransport> {
    const settings = resolveSettings(options);
    const logger = options.logger ?? silentLogger;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    const redis = await connectRedis({ url: options.url, connectTimeoutMs, commandTimeoutMs: 10_000, logger, name: 'commands' });
    const subscriber = await connectRedis({ url: options.url, connectTimeoutMs, commandTimeoutMs: 10_000, logger, name: 'subscriber' }).catch((error: unknown) => {
      redis.disconnect();
      throw error;
    });
    return new RedisStreamsTransport(redis, subscriber, options, settings);
  }

  /** The command connection (bot agents share it). */
  get redis(): Redis {
    return this.#redis;
  }

  /** Receiving is done by a `RedisBotAgent` consuming the streams, not by direct calls. */
  attach(_receiver: TransferReceiver): void {}

  /**
   * Submits the transfer to the skill's stream (or the chosen bot's inbox for a group transfer) with its deadline.
   * Fails at once — a late failure for the sender — when no live agent can take it.
   */
  async deliver(request: TransferRequest): Promise<TransferOutcome> {
    const excluded = new Set([request.fromBotId, ...(request.hops ?? [])]);
    const live = await this.registry.live();
    const candidates = live.filter(
      (a) => a.connected && !excluded.has(a.botId) && (request.toBotId !== undefined ? a.botId === request.toBotId : a.skills.includes(request.skill)),
    );
    const target = request.toBotId !== undefined ? `bot "${request.toBotId}"` : `skill "${request.skill}"`;
    if (candidates.length === 0) return { kind: 'failed', reason: TransferFailureReason.NoAgentAvailable, message: `no live bot agent holds ${target}` };
    const accepting = candidates.filter((a) => a.accepting);
    if (accepting.length === 0) return { kind: 'failed', reason: TransferFailureReason.Rejected, message: `every live bot agent holding ${target} refuses new conversations` };
    // Every connected holder reads the skill's stream, including a bot the conversation already left this turn (hops),
    // which must not take it back: then the transfer goes to the inbox of one accepting candidate instead.
    const excludedHolderReads = request.toBotId === undefined && live.some((a) => a.connected && excluded.has(a.botId) && a.skills.includes(request.skill));
    // An Agent Id (spec 3.2) that is an accepting candidate gets it in its inbox; otherwise the skill's holders do.
    const preferred = request.preferredBotId === undefined ? undefined : accepting.find((a) => a.botId === request.preferredBotId)?.botId;
    const toBotId = request.toBotId ?? preferred ?? (excludedHolderReads ? accepting[Math.floor(Math.random() * accepting.length)]?.botId : undefined);
    // The sending bot's fallbackEscalationTime when it sets one, else this transport's transferTimeoutMs.
    const deadline = Date.now() + (request.timeoutMs ?? this.settings.transferTimeoutMs);
    const stream = toBotId !== undefined ? this.keys.inbox(toBotId) : this.keys.skill(request.skill);
    // Pipelined, deadline first: a process that dies between the two leaves a deadline, so the transfer fails late.
    await Promise.all([
      this.#redis.zadd(this.keys.deadlines, deadline, deadlineMember(request)),
      this.#redis.xadd(stream, '*', 'kind', 'transfer', 'request', JSON.stringify(request)),
    ]);
    return { kind: 'submitted', deadline };
  }

  /** Makes sure a transfer the state waits for has its deadline (after a crash between storing it and submitting). */
  async ensureDeadline(state: ConversationState): Promise<void> {
    const pending = state.transferring;
    if (!pending) return;
    const member = deadlineMember({ ...pending, conversationId: state.id });
    await this.#redis.zadd(this.keys.deadlines, 'NX', pending.since + (pending.timeoutMs ?? this.settings.transferTimeoutMs), member);
  }

  /** Tells the sender's bot that its transfer failed (it settles the conversation with a late failure). */
  async reportFailure(request: TransferRequest, outcome: { readonly reason: TransferFailureReason; readonly message: string }): Promise<void> {
    await this.#redis
      .multi()
      .zrem(this.keys.deadlines, deadlineMember(request))
      .xadd(this.keys.inbox(request.fromBotId), '*', 'kind', 'failed', 'conversation', request.conversationId, 'transfer', request.transferId, 'reason', outcome.reason, 'message', outcome.message)
      .exec();
  }

  async clearDeadline(request: TransferRequest): Promise<void> {
    await this.#redis.zrem(this.keys.deadlines, deadlineMember(request));
  }

  /** Forwards a user message, with the sequence number it was given, to another bot's inbox. */
  async forwardMessage(botId: string, conversationId: string, seq: number, text: string): Promise<void> {
    await this.#redis.xadd(this.keys.inbox(botId), '*', 'kind', 'message', 'conversation', conversationId, 'seq', seq, 'text', text);
  }

  /** A front's user message: into the owner's inbox with the conversation's next sequence number; resolves when it settled. */
  async sendMessage(conversationId: string, ownerBotId: string, text: string): Promise<ConversationEvent[]> {
    if (this.#closed) throw new BottangoError(BottangoErrorCode.TransportUnavailable, 'the Redis transport is closed');
    return this.#send(conversationId, ownerBotId, text);
  }

  async #send(conversationId: string, ownerBotId: string, text: string): Promise<ConversationEvent[]> {
    const keys = this.keys;
    const [seq, from] = await this.#redis.bottangoSendMessage(keys.messageSeq(conversationId), keys.inbox(ownerBotId), keys.events(conversationId), conversationId, text);
    return this.#follower.untilSettled(conversationId, from, seq, this.settings.sendTimeoutMs);
  }

  async followEvents(conversationId: string, afterId: string | undefined, onEvent: (event: ConversationEvent, id: string) => void, signal: AbortSignal): Promise<void> {
    // Event n has ID `n-0`; a step's entry carries the ID of its last event, so a resumed read may start mid-step.
    let seen = afterId === undefined ? undefined : Number(afterId.split('-')[0]);
    let from = afterId ?? (await this.events.lastId(conversationId));
    while (!signal.aborted && !this.#closed) {
      try {
        await this.#follower.follow(
          conversationId,
          from,
          (entry) => {
            from = entry.id;
            entry.events.forEach((event, i) => {
              const n = entry.first + i;
              if (seen === undefined || n > seen) onEvent(event, `${n}-0`);
            });
            seen = undefined;
            return signal.aborted;
          },
          60_000,
          signal,
        );
      } catch (error) {
        // A quiet minute, or Redis away for a moment: keep following from the last entry seen.
        if (!BottangoError.is(error, BottangoErrorCode.SettleTimeout)) await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** A deleted conversation's message counter and event stream go too. */
  async forgetConversation(conversationId: string): Promise<void> {
    await this.#redis.del(this.keys.messageSeq(conversationId), this.keys.events(conversationId));
  }

  /** Fails fast while Redis is away (a readiness check must not wait for the reconnect). */
  async ping(): Promise<void> {
    if (this.#redis.status !== 'ready') throw new BottangoError(BottangoErrorCode.TransportUnavailable, `Redis at ${this.url} is not connected (${this.#redis.status})`);
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of this.#connections) connection.disconnect();
  }
}

function resolveSettings(options: RedisStreamsTransportOptions): ResolvedTransportSettings {
  const where = '@bottango/transport-redis options';
  const positive = (field: keyof RedisStreamsTransportOptions, fallback: number): number => {
    const value = options[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${field} must be a positive whole number of milliseconds, got ${JSON.stringify(value)}`, { where, details: { field, value } });
    }
    return value;
  };
  return {
    transferTimeoutMs: positive('transferTimeoutMs', 10_000),
    claimIdleMs: positive('claimIdleMs', 5_000),
    heartbeatMs: positive('heartbeatMs', 1_000),
    sendTimeoutMs: positive('sendTimeoutMs', 60_000),
  };
}

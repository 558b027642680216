import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BottangoError, BottangoErrorCode, type ConversationState, type Logger } from '@bottango/core';
import type { BottangoRuntime, ConversationStep } from '@bottango/runtime';
import type { InputEntry } from './conversation-events.js';
import { decodeEntry, fieldsToRecord, type StreamEntry } from './entries.js';
import { CONSUMER_GROUP } from './keys.js';
import { EXPIRE_TRANSFERS } from './lua.js';
import type { RedisStreamsTransport } from './redis-streams-transport.js';

export interface RedisBotAgentOptions {
  /** A runtime made with this transport, running `botId` (`localBots: [botId]`). */
  readonly runtime: BottangoRuntime;
  readonly transport: RedisStreamsTransport;
  readonly botId: string;
  /** Entries handled at once (different conversations run in parallel). Default 256. */
  readonly concurrency?: number;
  /** Consumer name in the consumer groups. Default: bot, host, process ID and a random suffix. */
  readonly consumer?: string;
  /**
   * Failover drills: the process kills itself (SIGKILL, no clean-up) at this point of the `nth` (default 1st) entry of
   * that kind — after reading it, or after its step is stored but before it is acknowledged and its events published.
   */
  readonly crashAt?: { readonly point: CrashPoint; readonly nth?: number };
}

export const CRASH_POINTS = ['message-read', 'message-stored', 'transfer-read', 'transfer-stored'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** `done`: acknowledged already (with the events it caused); `ack`: acknowledge it; `retry`: later. */
type Verdict = 'done' | 'ack' | 'retry';

const BLOCK_MS = 1_000;
const READ_COUNT = 64;
const EXPIRE_EVERY_MS = 100;
const PRUNE_EVERY_MS = 60_000;
/** A consumer with nothing pending and idle this long is a process long gone: it leaves the groups. */
const PRUNE_IDLE_MS = 10 * 60_000;

/**
 * One bot agent process: consumes the bot's inbox (user messages, failed-transfer notices, group transfers) and its
 * skills' streams (transfers) in the `bottango` consumer group, and acknowledges an entry only once its step is
 * stored. Replicas of a bot share the work; entries a dead replica left pending are claimed after `claimIdleMs`.
 * Exactly once comes from the conversation state: a message's sequence number and a transfer's ID are checked
 * against what is stored, and every store is a compare-and-set.
 */
export class RedisBotAgent {
  readonly consumer: string;
  readonly botId: string;
  readonly #runtime: BottangoRuntime;
  readonly #transport: RedisStreamsTransport;
  readonly #redis: Redis;
  readonly #reader: Redis;
  readonly #logger: Logger;
  readonly #skills: readonly string[];
  readonly #concurrency: number;
  /** Entries being handled here, by stream and ID (a claim must not start one twice). */
  readonly #inFlight = new Set<string>();
  #slotFreed: (() => void) | undefined;
  #stopping = false;
  #loops: Promise<void>[] = [];
  #timers: NodeJS.Timeout[] = [];
  readonly #crashAt: RedisBotAgentOptions['crashAt'];
  #crashCount = 0;

  private constructor(options: RedisBotAgentOptions, reader: Redis) {
    this.#runtime = options.runtime;
    this.#transport = options.transport;
    this.#redis = options.transport.redis;
    this.#reader = reader;
    this.#logger = options.transport.logger;
    this.botId = options.botId;
    this.#skills = options.runtime.bot(options.botId).definition.skills;
    this.#concurrency = options.concurrency ?? 256;
    this.#crashAt = options.crashAt;
    this.consumer = options.consumer ?? `${options.botId}@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /** Creates the consumer groups, announces the agent and starts consuming. */
  static async start(options: RedisBotAgentOptions): Promise<RedisBotAgent> {
    options.runtime.bot(options.botId);
    const reader = options.transport.redis.duplicate({ enableAutoPipelining: false, commandTimeout: BLOCK_MS + 10_000 });
    const agent = new RedisBotAgent(options, reader);
    try {
      await agent.#createGroups();
      await agent.#heartbeat();
    } catch (error) {
      reader.disconnect();
      throw error;
    }
    agent.#redis.defineCommand('bottangoExpireTransfers', { numberOfKeys: 1, lua: EXPIRE_TRANSFERS });
    agent.#loops.push(agent.#readLoop());
    const settings = options.transport.settings;
    agent.#every(settings.heartbeatMs, () => agent.#heartbeat());
    agent.#every(Math.max(100, Math.floor(settings.claimIdleMs / 2)), () => agent.#claim());
    agent.#every(EXPIRE_EVERY_MS, () => agent.#expireTransfers());
    agent.#every(PRUNE_EVERY_MS, () => agent.pruneConsumers(PRUNE_IDLE_MS));
    return agent;
  }

  /** Connects or disconnects the agent (a disconnected one reads no transfers), or makes it refuse new conversations. */
  async setStatus(status: { connected?: boolean; acceptsTransfers?: boolean }): Promise<void> {
    this.#runtime.setAgentStatus(this.botId, status);
    await this.#heartbeat();
  }

  /** Stops reading, lets the entries in hand finish (those still waiting stay pending for a replica) and leaves. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#slotFreed?.();
    // Cuts a blocking read short (it would hold the stop for its block time, or its command timeout while reconnecting).
    this.#reader.disconnect();
    await Promise.allSettled(this.#loops);
    const deadline = Date.now() + 5_000;
    while (this.#inFlight.size > 0 && Date.now() < deadline) await sleep(20);
    await this.#transport.registry.remove(this.consumer).catch(() => undefined);
    await this.#leaveGroups().catch(() => undefined);
  }

  // ---- consuming ----

  #streams(): string[] {
    const keys = this.#transport.keys;
    const connected = this.#runtime.agentStatus(this.botId)?.connected ?? false;
    return [keys.inbox(this.botId), ...(connected ? this.#skills.map((s) => keys.skill(s)) : [])];
  }

  #allStreams(): string[] {
    const keys = this.#transport.keys;
    return [keys.inbox(this.botId), ...this.#skills.map((s) => keys.skill(s))];
  }

  async #createGroups(): Promise<void> {
    for (const stream of this.#allStreams()) {
      try {
        await this.#redis.xgroup('CREATE', stream, CONSUMER_GROUP, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
      await this.#redis.xgroup('CREATECONSUMER', stream, CONSUMER_GROUP, this.consumer);
    }
  }

  async #readLoop(): Promise<void> {
    while (!this.#stopping) {
      if (this.#inFlight.size >= this.#concurrency) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
        continue;
      }
      const streams = this.#streams();
      try {
        const read = this.#reader.xreadgroup(
          'GROUP', CONSUMER_GROUP, this.consumer,
          'COUNT', Math.min(READ_COUNT, this.#concurrency - this.#inFlight.size),
          'BLOCK', BLOCK_MS,
          'STREAMS', ...streams, ...streams.map(() => '>'),
        );
        const reply = (await untilClosed(this.#reader, read)) as [string, [string, string[]][]][] | null;
        for (const [stream, entries] of reply ?? []) {
          for (const [id, fields] of entries) this.#begin(stream, id, fields);
        }
      } catch (error) {
        if (this.#stopping) return;
        const message = (error as Error).message;
        // The server lost its data (restarted without persistence): make the groups again.
        if (message.includes('NOGROUP')) await this.#createGroups().catch(() => undefined);
        else this.#logger.warn(`bot agent ${this.botId}: reading streams failed; retrying`, { error: message });
        await sleep(200);
      }
    }
  }

  /** Entries a dead consumer left pending longer than `claimIdleMs` become this consumer's. */
  async #claim(): Promise<void> {
    const idle = this.#transport.settings.claimIdleMs;
    for (const stream of this.#streams()) {
      const [, entries] = (await this.#redis.xautoclaim(stream, CONSUMER_GROUP, this.consumer, idle, '0-0', 'COUNT', 100)) as [string, [string, string[] | null][]];
      for (const [id, fields] of entries) {
        if (fields === null) await this.#ack(stream, id);
        else this.#begin(stream, id, fields);
      }
    }
  }

  #begin(stream: string, id: string, fields: string[]): void {
    const key = `${stream} ${id}`;
    if (this.#inFlight.has(key)) return;
    this.#inFlight.add(key);
    void this.#handleUntilDone(stream, id, fields).finally(() => {
      this.#inFlight.delete(key);
      const freed = this.#slotFreed;
      this.#slotFreed = undefined;
      freed?.();
    });
  }

  async #handleUntilDone(stream: string, id: string, fields: string[]): Promise<void> {
    let wait = 2;
    while (!this.#stopping) {
      let verdict: Verdict;
      try {
        verdict = await this.#handle(stream, id, fields);
      } catch (error) {
        verdict = this.#onFailure(stream, id, error);
      }
      if (verdict === 'done') return;
      if (verdict === 'ack') {
        await this.#ack(stream, id).catch((error: unknown) => this.#logger.warn(`bot agent ${this.botId}: acknowledging ${stream} ${id} failed (it will be redelivered and recognised)`, { error: String(error) }));
        return;
      }
      await sleep(wait);
      wait = Math.min(wait * 2, 250);
    }
  }

  /** Transient failures (a lost compare-and-set, Redis or a store away) are retried; anything else drops the entry, logged. */
  #onFailure(stream: string, id: string, error: unknown): Verdict {
    const transient = !BottangoError.is(error) || BottangoError.is(error, BottangoErrorCode.VersionConflict) || BottangoError.is(error, BottangoErrorCode.StoreUnavailable) || BottangoError.is(error, BottangoErrorCode.TransportUnavailable);
    const message = error instanceof Error ? error.message : String(error);
    if (transient) {
      if (!BottangoError.is(error, BottangoErrorCode.VersionConflict)) this.#logger.warn(`bot agent ${this.botId}: ${stream} ${id} failed; retrying`, { error: message });
      return 'retry';
    }
    this.#logger.error(`bot agent ${this.botId}: dropped ${stream} ${id}: ${message}`);
    return 'ack';
  }

  /** Acknowledged and deleted (pipelined, not a transaction: an entry acknowledged but not deleted is only garbage). */
  async #ack(stream: string, id: string): Promise<void> {
    await Promise.all([this.#redis.xack(stream, CONSUMER_GROUP, id), this.#redis.xdel(stream, id)]);
  }

  // ---- one entry ----

  async #handle(stream: string, id: string, fields: string[]): Promise<Verdict> {
    let entry: StreamEntry;
    try {
      entry = decodeEntry(stream, id, fields);
    } catch (error) {
      this.#logger.error(`bot agent ${this.botId}: dropped a malformed entry: ${(error as Error).message}`);
      return 'ack';
    }
    const input: InputEntry = { stream, group: CONSUMER_GROUP, id };
    switch (entry.kind) {
      case 'message':
        return this.#message(entry, input);
      case 'failed': {
        const step = await this.#runtime.settleTransfer(entry.conversationId, entry.transferId, { reason: entry.reason, message: entry.message });
        if (!step) return 'ack';
        return this.#publish(step, input);
      }
      case 'transfer': {
        this.#maybeCrash('transfer-read');
        const { outcome, step } = await this.#runtime.acceptTransfer(entry.request, this.botId);
        if (outcome.kind === 'accepted' && step) {
          this.#maybeCrash('transfer-stored');
          const verdict = await this.#publish(step, input);
          await this.#transport.clearDeadline(entry.request);
          return verdict;
        }
        if (outcome.kind === 'failed') await this.#transport.reportFailure(entry.request, outcome);
        if (outcome.kind === 'stale') {
          // Perhaps taken already by a replica that died before publishing what it did.
          const state = await this.#runtime.getConversation(entry.request.conversationId);
          if (state) return this.#republish(state, input);
        }
        return 'ack';
      }
    }
  }

  async #message(entry: Extract<StreamEntry, { kind: 'message' }>, input: InputEntry): Promise<Verdict> {
    this.#maybeCrash('message-read');
    let result;
    try {
      result = await this.#runtime.applyMessage(entry.conversationId, this.botId, entry.text, entry.seq);
    } catch (error) {
      if (BottangoError.is(error, BottangoErrorCode.UnknownConversation)) {
        this.#logger.warn(`bot agent ${this.botId}: message for unknown conversation "${entry.conversationId}" dropped`);
        return 'ack';
      }
      throw error;
    }
    switch (result.kind) {
      case 'applied':
        this.#maybeCrash('message-stored');
        return this.#publish(result, input);
      case 'duplicate':
        // Applied before, but this process (or a dead one) may have stopped before submitting or publishing.
        await this.#transport.ensureDeadline(result.state);
        return this.#republish(result.state, input);
      case 'not-owner':
        await this.#transport.forwardMessage(result.state.ownerBotId, entry.conversationId, entry.seq, entry.text);
        return 'ack';
      case 'wait': {
        // Whatever it waits for settles by its deadline: a transfer still in flight past it lost its deadline entry
        // (Redis without persistence), which is put back (the sweep then fails it).
        const pending = result.state.transferring;
        if (pending && Date.now() > pending.since + (pending.timeoutMs ?? this.#transport.settings.transferTimeoutMs)) await this.#transport.ensureDeadline(result.state);
        return 'retry';
      }
    }
  }

  #maybeCrash(point: CrashPoint): void {
    if (this.#crashAt?.point !== point || ++this.#crashCount !== (this.#crashAt.nth ?? 1)) return;
    this.#logger.warn(`bot agent ${this.botId}: crashing on purpose at ${point} (failover drill)`);
    process.kill(process.pid, 'SIGKILL');
  }

  // ---- events ----

  /** Publishes a stored step's events (its predecessor's first, if still unpublished) and acknowledges its input. */
  async #publish(step: ConversationStep, input: InputEntry): Promise<Verdict> {
    const runs = [...(step.before ? [step.before] : []), { first: step.firstEvent, events: step.events }];
    await this.#transport.events.publish(step.state.id, runs, settledSeq(step.state), input);
    return 'done';
  }

  /** Publishes the last stored step again (skipped where already there) and acknowledges the input. */
  async #republish(state: ConversationState, input: InputEntry): Promise<Verdict> {
    await this.#transport.events.publish(state.id, state.outbox ? [state.outbox] : [], settledSeq(state), input);
    return 'done';
  }

  // ---- housekeeping ----

  async #heartbeat(): Promise<void> {
    const status = this.#runtime.agentStatus(this.botId);
    await this.#transport.registry.beat({
      consumer: this.consumer,
      botId: this.botId,
      skills: this.#skills,
      connected: status?.connected ?? false,
      accepting: status?.acceptsTransfers ?? false,
      expires: Date.now() + 3 * this.#transport.settings.heartbeatMs,
      pid: process.pid,
      host: hostname(),
    });
  }

  /** Leaves the consumer groups, unless entries are still pending with this consumer (a replica claims them first). */
  async #leaveGroups(): Promise<void> {
    for (const stream of this.#allStreams()) {
      const pending = (await this.#redis.xpending(stream, CONSUMER_GROUP, '-', '+', 1, this.consumer)) as unknown[];
      if (pending.length === 0) await this.#redis.xgroup('DELCONSUMER', stream, CONSUMER_GROUP, this.consumer);
    }
  }

  /** Consumers of processes that died (SIGKILL) stay in the groups; once they have nothing pending they are removed. */
  async pruneConsumers(idleMs: number): Promise<void> {
    for (const stream of this.#allStreams()) {
      const consumers = (await this.#redis.xinfo('CONSUMERS', stream, CONSUMER_GROUP)) as (string | number)[][];
      for (const fields of consumers) {
        const info = fieldsToRecord(fields.map(String));
        if (Number(info['pending']) === 0 && Number(info['idle']) > idleMs && info['name'] !== this.consumer) {
          await this.#redis.xgroup('DELCONSUMER', stream, CONSUMER_GROUP, String(info['name']));
        }
      }
    }
  }

  async #expireTransfers(): Promise<void> {
    const redis = this.#redis as Redis & { bottangoExpireTransfers(key: string, now: number, limit: number, inboxPrefix: string): Promise<number> };
    await redis.bottangoExpireTransfers(this.#transport.keys.deadlines, Date.now(), 100, this.#transport.keys.inbox(''));
  }

  #every(ms: number, task: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.#stopping) return;
      running = true;
      task()
        .catch((error: unknown) => this.#logger.warn(`bot agent ${this.botId}: ${task.name || 'housekeeping'} failed`, { error: String(error) }))
        .finally(() => (running = false));
    }, ms);
    this.#timers.push(timer);
  }
}

/** The settled mark goes with a step that leaves no transfer in flight. */
function settledSeq(state: ConversationState): number | undefined {
  return state.transferring ? undefined : (state.appliedSeq ?? 0);
}

/**
 * `command`, or a rejection as soon as the connection closes: ioredis drops a command that was on the wire when the
 * connection went (it is never resent here) and would only give up on it after the command timeout. Entries such a
 * read delivered stay pending with this consumer and are claimed again after `claimIdleMs`.
 */
function untilClosed<T>(redis: Redis, command: Promise<T>): Promise<T> {
  let onClose: (() => void) | undefined;
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error('the connection closed during a blocking read'));
    redis.once('close', onClose);
  });
  return Promise.race([command, closed]).finally(() => redis.off('close', onClose as () => void));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { performance } from 'node:perf_hooks';
import type { ConversationEvent } from '@bottango/core';
import type { BottangoRuntime } from '@bottango/runtime';
import type { RedisStreamsTransport } from '@bottango/transport-redis';
import { quantile } from './quantile.js';

/**
 * The load of `pnpm bench cluster`, driven from a front (a runtime that runs no bot): conversations that each
 * escalate from the concierge to a specialist and answer the specialist's two questions, and the check of every
 * conversation afterwards against what is stored in Redis.
 */
export const SPECIALISTS = ['billing', 'tech'] as const;
type Specialist = (typeof SPECIALISTS)[number];

/** The user's messages: the first makes the concierge escalate; the others answer the specialist's two questions. */
function script(specialist: Specialist, tag: string): readonly string[] {
  return specialist === 'billing' ? [`billing please ${tag}`, `account A-${tag}`, `invoice I-${tag}`] : [`tech please ${tag}`, `the router ${tag}`, `since monday ${tag}`];
}

interface Conversation {
  readonly id: string;
  readonly specialist: Specialist;
  /** Messages handed to `send`, and those whose `send` resolved. */
  readonly attempted: string[];
  readonly delivered: string[];
  failedSends: number;
  /** The escalating message was delivered. */
  escalated: boolean;
}

export interface Figures {
  readonly transfersPerSecond: number;
  readonly messagesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly lost: number;
  readonly duplicated: number;
}

export interface RunReport {
  readonly figures: Figures;
  /** Conversations started, and those whose every message was delivered. */
  readonly conversations: number;
  readonly completed: number;
  /** Escalations timed (started inside the measured window). */
  readonly timed: number;
  /** The slowest `send` of any message that resolved, in ms (a message waiting for a claim shows here). */
  readonly slowestSendMs: number;
  readonly measuredMs: number;
  /** Why the lost and duplicated were counted, a few examples each. */
  readonly problems: readonly string[];
}

export interface RunOptions {
  readonly name: string;
  readonly warmUpMs: number;
  readonly measureMs: number;
  /** Closed loop: this many conversations at once, each followed by the next. */
  readonly inFlight?: number;
  /** Open loop: new conversations per second, whatever the ones started before are doing. */
  readonly conversationsPerSecond?: number;
  /** Called this long after the measured window opened (e.g. to kill a replica). */
  readonly midway?: { readonly afterMs: number; readonly action: () => void };
  /** Called as the measured window opens and closes (CPU and Redis counters). */
  readonly onWindow?: (edge: 'open' | 'close') => void;
}

export class ClusterLoad {
  readonly #front: BottangoRuntime;
  readonly #transport: RedisStreamsTransport;

  constructor(front: BottangoRuntime) {
    this.#front = front;
    this.#transport = front.transport as RedisStreamsTransport;
  }

  async run(options: RunOptions): Promise<RunReport> {
    const conversations: Conversation[] = [];
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    let startFailures = 0;
    let transfers = 0;
    let messages = 0;
    let slowestSend = 0;
    const begin = performance.now();
    const windowStart = begin + options.warmUpMs;
    const windowEnd = windowStart + options.measureMs;
    const inWindow = (t: number): boolean => t >= windowStart && t <= windowEnd;
    let opened = false;
    let closed = false;
    const edges = setInterval(() => {
      const now = performance.now();
      if (!opened && now >= windowStart) {
        opened = true;
        options.onWindow?.('open');
      }
      if (!closed && now >= windowEnd) {
        closed = true;
        options.onWindow?.('close');
      }
    }, 5);
    const midway = options.midway ? setTimeout(options.midway.action, options.warmUpMs + options.midway.afterMs) : undefined;

    const converse = async (index: number): Promise<void> => {
      const specialist = SPECIALISTS[index % SPECIALISTS.length] as Specialist;
      let id: string;
      try {
        id = await this.#front.startConversation({ botId: 'concierge' });
      } catch (error) {
        startFailures++;
        note(errors, error);
        return;
      }
      const conversation: Conversation = { id, specialist, attempted: [], delivered: [], failedSends: 0, escalated: false };
      conversations.push(conversation);
      const texts = script(specialist, `${options.name}${index}`);
      for (const [i, text] of texts.entries()) {
        conversation.attempted.push(text);
        const sentAt = performance.now();
        let events: ConversationEvent[];
        try {
          events = await this.#front.send(id, text);
        } catch (error) {
          conversation.failedSends++;
          note(errors, error);
          continue;
        }
        const doneAt = performance.now();
        slowestSend = Math.max(slowestSend, doneAt - sentAt);
        conversation.delivered.push(text);
        if (inWindow(doneAt)) messages++;
        if (i > 0) continue;
        conversation.escalated = true;
        // The receiver's first message comes in the same step (and Redis script) as the mark that settles the send.
        const received = events.some((e) => e.type === 'transfer' && e.toBotId === specialist) && events.some((e) => e.type === 'bot-message' && e.botId === specialist);
        if (!received) continue;
        if (inWindow(doneAt)) transfers++;
        if (sentAt >= windowStart && sentAt <= windowEnd) latencies.push(doneAt - sentAt);
      }
    };

    if (options.inFlight !== undefined) {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (performance.now() < windowEnd) await converse(next++);
      };
      await Promise.all(Array.from({ length: options.inFlight }, worker));
    } else {
      const rate = options.conversationsPerSecond ?? 1;
      const running = new Set<Promise<void>>();
      let launched = 0;
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          const now = performance.now();
          const due = Math.floor(((Math.min(now, windowEnd) - begin) / 1000) * rate);
          while (launched < due) {
            const p = converse(launched++);
            running.add(p);
            void p.finally(() => running.delete(p));
          }
          if (now >= windowEnd) resolve();
          else setTimeout(tick, 1);
        };
        tick();
      });
      await Promise.all(running);
    }
    clearInterval(edges);
    if (midway) clearTimeout(midway);
    if (!closed) options.onWindow?.('close');

    const checked = await this.#check(conversations);
    latencies.sort((a, b) => a - b);
    const seconds = options.measureMs / 1000;
    const problems = [...checked.problems, ...[...errors].map(([message, count]) => `${count} × ${message}`)];
    return {
      figures: {
        transfersPerSecond: Math.round(transfers / seconds),
        messagesPerSecond: Math.round(messages / seconds),
        p50Ms: round(quantile(latencies, 0.5)),
        p99Ms: round(quantile(latencies, 0.99)),
        maxMs: round(latencies.at(-1) ?? Number.NaN),
        lost: checked.lost + startFailures,
        duplicated: checked.duplicated,
      },
      conversations: conversations.length + startFailures,
      completed: conversations.filter((c) => c.failedSends === 0).length,
      timed: latencies.length,
      slowestSendMs: round(slowestSend),
      measuredMs: options.measureMs,
      problems,
    };
  }

  /**
   * Every conversation against its stored state and its event stream. Lost: a send that failed, a delivered message
   * missing from the transcript (or not counted in `appliedSeq`), a delivered escalation whose transfer did not end
   * with the specialist owning the conversation and its dialog started. Duplicated: a receiving dialog started more
   * than once (`dialog-started` with `afterTransfer` in the event stream), a user message twice in the transcript, or
   * `appliedSeq` above the number of messages sent.
   */
  async #check(conversations: readonly Conversation[]): Promise<{ lost: number; duplicated: number; problems: string[] }> {
    let lost = 0;
    let duplicated = 0;
    const examples = new Map<string, { count: number; example: string }>();
    const problem = (kind: string, conversationId: string, detail: string): void => {
      const seen = examples.get(kind);
      if (seen) seen.count++;
      else examples.set(kind, { count: 1, example: `${conversationId}: ${detail}` });
    };
    for (let i = 0; i < conversations.length; i += 200) {
      await Promise.all(
        conversations.slice(i, i + 200).map(async (c) => {
          const [state, entries] = await Promise.all([this.#front.getConversation(c.id), this.#transport.events.after(c.id, '0-0', 1_000)]);
          if (c.failedSends > 0) {
            lost += c.failedSends;
            problem('send failed', c.id, `${c.failedSends} of ${c.attempted.length} sends failed`);
          }
          if (!state) {
            lost += c.delivered.length;
            problem('no state', c.id, 'no stored state');
            return;
          }
          const said = state.transcript.filter((t) => t.from === 'user' && !t.system).map((t) => t.text);
          const applied = state.appliedSeq ?? 0;
          const missing = c.delivered.filter((text) => !said.includes(text)).length;
          const extra = c.attempted.reduce((n, text) => n + Math.max(0, said.filter((s) => s === text).length - 1), 0);
          const missingSeq = Math.max(0, c.delivered.length - applied);
          if (missing > 0 || missingSeq > 0) {
            lost += Math.max(missing, missingSeq);
            problem('message lost', c.id, `appliedSeq ${applied}, ${c.delivered.length} delivered, ${missing} missing from the transcript`);
          }
          if (extra > 0 || applied > c.attempted.length) {
            duplicated += Math.max(extra, applied - c.attempted.length);
            problem('message applied twice', c.id, `appliedSeq ${applied} for ${c.attempted.length} sent, ${extra} extra copies in the transcript`);
          }
          const started = entries.flatMap((e) => e.events).filter((e) => e.type === 'dialog-started' && e.afterTransfer === true).length;
          if (started > 1) {
            duplicated += started - 1;
            problem('receiving dialog started twice', c.id, `${started} dialog-started events with afterTransfer`);
          }
          if (c.escalated && (state.ownerBotId !== c.specialist || state.transferring !== undefined || started === 0)) {
            lost++;
            problem('transfer not completed', c.id, `owner ${state.ownerBotId}${state.transferring ? ', transfer in flight' : ''}, ${started} receiving dialog(s) started`);
          }
        }),
      );
    }
    return { lost, duplicated, problems: [...examples].map(([kind, { count, example }]) => `${count} × ${kind} (e.g. ${example})`) };
  }
}

function note(errors: Map<string, number>, error: unknown): void {
  const message = (error instanceof Error ? error.message : String(error)).replace(/"[0-9a-f-]{36}"/g, '"…"').slice(0, 200);
  errors.set(message, (errors.get(message) ?? 0) + 1);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

import type { ConversationEvent } from '@bottango/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The Prometheus metrics of one server, fed from the runtime's events (see README, "Metrics"). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #messages = new Counter({ name: 'bottango_messages_total', help: 'User messages handled (system messages excluded).', registers: [this.registry] });
  readonly #transfers = new Counter({ name: 'bottango_transfers_total', help: 'Transfers by skill and outcome (ok, or the failure reason).', labelNames: ['skill', 'outcome'] as const, registers: [this.registry] });
  readonly #transferLatency = new Histogram({
    name: 'bottango_transfer_latency_seconds',
    help: 'From the user message to the transfer settling (accepted or failed).',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly #fallbacks = new Counter({ name: 'bottango_fallbacks_total', help: 'Fallback answers by bot.', labelNames: ['bot'] as const, registers: [this.registry] });
  readonly #escalationFailures = new Counter({ name: 'bottango_escalation_failures_total', help: 'Failed transfers by the bot that escalated, and stage.', labelNames: ['bot', 'stage'] as const, registers: [this.registry] });
  readonly #messageLatency = new Histogram({
    name: 'bottango_message_duration_seconds',
    help: 'Time to handle POST /conversations/:id/messages (NLU classification, dialogs and transfers included).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** When the last user message of each conversation came in (for the transfer latency). */
  readonly #lastUserMessage = new Map<string, number>();

  constructor(activeConversations: () => number) {
    new Gauge({
      name: 'bottango_active_conversations',
      help: 'Conversations this server opened that have not expired or been deleted.',
      registers: [this.registry],
      collect() {
        this.set(activeConversations());
      },
    });
  }

  onEvent(event: ConversationEvent): void {
    const now = performance.now();
    switch (event.type) {
      case 'user-message':
        if (event.system !== true) {
          this.#lastUserMessage.set(event.conversationId, now);
          this.#messages.inc();
        }
        break;
      case 'transfer':
        this.#transfers.inc({ skill: event.toSkill, outcome: 'ok' });
        this.#observeLatency(event.conversationId, 'ok', now);
        break;
      case 'transfer-failed':
        this.#transfers.inc({ skill: event.toSkill, outcome: event.reason });
        this.#escalationFailures.inc({ bot: event.fromBotId, stage: event.stage });
        this.#observeLatency(event.conversationId, 'failed', now);
        break;
      case 'fallback':
        this.#fallbacks.inc({ bot: event.botId });
        break;
      default:
        break;
    }
  }

  observeMessage(seconds: number): void {
    this.#messageLatency.observe(seconds);
  }

  forget(conversationId: string): void {
    this.#lastUserMessage.delete(conversationId);
  }

  #observeLatency(conversationId: string, outcome: string, now: number): void {
    const since = this.#lastUserMessage.get(conversationId);
    if (since !== undefined) this.#transferLatency.observe({ outcome }, (now - since) / 1000);
  }
}

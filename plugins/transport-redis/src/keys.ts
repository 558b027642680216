/** Every Redis key the transport uses, in one place (all under one prefix, so deployments can share a server). */
export class StreamKeys {
  constructor(readonly prefix: string) {}

  /** Transfers to a skill: one stream, one consumer group; every process holding the skill reads it. */
  skill(skill: string): string {
    return `${this.prefix}skill:${skill}`;
  }

  /** User messages, failed-transfer notices and targeted transfers for one bot (its replicas share the work). */
  inbox(botId: string): string {
    return `${this.prefix}inbox:${botId}`;
  }

  /** A conversation's events: one entry per stored step, ID `n-0` with n the number of its last event. */
  events(conversationId: string): string {
    return `${this.prefix}events:${conversationId}`;
  }

  /** Pub/sub channel nudging fronts that a conversation has new events. */
  eventsChannel(conversationId: string): string {
    return `${this.prefix}events-published:${conversationId}`;
  }

  /** Per-conversation sequence number of user messages. */
  messageSeq(conversationId: string): string {
    return `${this.prefix}seq:${conversationId}`;
  }

  /** Sorted set of submitted transfers by deadline (epoch ms). */
  get deadlines(): string {
    return `${this.prefix}deadlines`;
  }

  /** Hash of live bot agents (heartbeats), field = consumer name. */
  get agents(): string {
    return `${this.prefix}agents`;
  }
}

export const CONSUMER_GROUP = 'bottango';
export const DEFAULT_STREAM_PREFIX = 'bottango:bus:';

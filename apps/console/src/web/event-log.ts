import type { ConversationEvent } from '@bottango/core';

/** Where an event came to the console from. */
export type EventSourceKind = 'stream' | 'reply';

/**
 * The events of one conversation, merged from the live stream and the answers to `POST …/messages`.
 *
 * Both sources carry the same events in the same order, so an event is shown once however it arrives: the n-th copy
 * of an event (compared by its JSON) seen by one source is the same event as the n-th copy seen by the other. Events
 * the stream missed while it was down still come in the message answers, and a stream that resumes with
 * Last-Event-ID may repeat what a reply already delivered, without duplicates either way.
 */
export class ConversationEventLog {
  private readonly list: ConversationEvent[] = [];
  private readonly counts: Record<EventSourceKind, Map<string, number>> = { stream: new Map(), reply: new Map() };

  get events(): readonly ConversationEvent[] {
    return this.list;
  }

  /** Adds what a source delivered; returns the events that were new. */
  add(source: EventSourceKind, events: readonly ConversationEvent[]): ConversationEvent[] {
    const added: ConversationEvent[] = [];
    const other = this.counts[source === 'stream' ? 'reply' : 'stream'];
    for (const event of events) {
      const key = JSON.stringify(event);
      const seen = (this.counts[source].get(key) ?? 0) + 1;
      this.counts[source].set(key, seen);
      if (seen > (other.get(key) ?? 0)) {
        this.list.push(event);
        added.push(event);
      }
    }
    return added;
  }
}

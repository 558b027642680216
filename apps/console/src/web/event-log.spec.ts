import type { ConversationEvent } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { ConversationEventLog } from './event-log.js';

const user = (text: string): ConversationEvent => ({ type: 'user-message', conversationId: 'c', text });
const bot = (text: string): ConversationEvent => ({ type: 'bot-message', conversationId: 'c', botId: 'concierge', dialog: 'Welcome', text });

describe('ConversationEventLog', () => {
  it('shows an event once whether the stream or the reply brings it first', () => {
    const log = new ConversationEventLog();
    expect(log.add('stream', [user('hi')])).toEqual([user('hi')]);
    expect(log.add('reply', [user('hi'), bot('Hello')])).toEqual([bot('Hello')]);
    expect(log.add('stream', [bot('Hello')])).toEqual([]);
    expect(log.events).toEqual([user('hi'), bot('Hello')]);
  });

  it('keeps a message the user sent twice twice', () => {
    const log = new ConversationEventLog();
    log.add('reply', [user('hi'), bot('Hello')]);
    log.add('stream', [user('hi'), bot('Hello')]);
    log.add('stream', [user('hi'), bot('Hello')]);
    log.add('reply', [user('hi'), bot('Hello')]);
    expect(log.events).toEqual([user('hi'), bot('Hello'), user('hi'), bot('Hello')]);
  });

  it('fills in what the stream missed while it was down from the replies, and a resumed stream adds no copies', () => {
    const log = new ConversationEventLog();
    log.add('reply', [user('one'), bot('1')]); // stream down: only the reply has these
    log.add('stream', [user('one'), bot('1')]); // resumed with Last-Event-ID: the server replays them
    log.add('stream', [user('two')]);
    log.add('reply', [user('two'), bot('2')]);
    expect(log.events.map((e) => (e as { text: string }).text)).toEqual(['one', '1', 'two', '2']);
  });
});

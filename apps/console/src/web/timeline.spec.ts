import type { ConversationEvent } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { buildTimeline, describeTangoContext } from './timeline.js';

const c = 'conv-1';
const refund: ConversationEvent[] = [
  { type: 'user-message', conversationId: c, text: 'I want a refund' },
  { type: 'dialog-started', conversationId: c, botId: 'concierge', dialog: 'Refund handoff', trigger: { by: 'pattern', pattern: '*(refund)*' } },
  { type: 'bot-message', conversationId: c, botId: 'concierge', dialog: 'Refund handoff', text: "I'll hand you to Billing." },
  { type: 'transfer', conversationId: c, transferId: 't1', fromBotId: 'concierge', toSkill: 'billing', toBotId: 'billing', context: { intentId: 'billing.refund' }, automatic: false },
  { type: 'dialog-started', conversationId: c, botId: 'billing', dialog: 'Refund', trigger: { by: 'tango-intent', intentId: 'billing.refund' }, afterTransfer: true },
  { type: 'bot-message', conversationId: c, botId: 'billing', dialog: 'Refund', text: 'Which order?' },
  { type: 'user-message', conversationId: c, text: 'A-1' },
  { type: 'dialog-ended', conversationId: c, botId: 'billing', dialog: 'Refund' },
];

describe('buildTimeline', () => {
  it('gives each bot that held the conversation a lane and the transfer an arrow between them with its Tango Context', () => {
    const timeline = buildTimeline('concierge', refund);
    expect(timeline.lanes).toEqual(['concierge', 'billing']);
    expect(timeline.holder).toBe('billing');
    expect(timeline.items.find((i) => i.kind === 'transfer')).toEqual({
      kind: 'transfer',
      from: 0,
      to: 1,
      fromBotId: 'concierge',
      toBotId: 'billing',
      skill: 'billing',
      context: 'intent ID billing.refund',
      intentId: 'billing.refund',
      automatic: false,
    });
    // The user's messages sit in the lane of the bot holding the conversation at the time.
    expect(timeline.items.filter((i) => i.kind === 'user').map((i) => ('lane' in i ? i.lane : -1))).toEqual([0, 1]);
    expect(timeline.items.find((i) => i.kind === 'dialog' && i.botId === 'billing')).toMatchObject({ how: 'by Tango Context intent billing.refund after the transfer' });
  });

  it('marks a failed transfer, the injected __agent_escalation_failed__, fallbacks and disambiguations', () => {
    const timeline = buildTimeline('concierge', [
      { type: 'transfer-failed', conversationId: c, fromBotId: 'concierge', toSkill: 'human', reason: 'no-agent-available', stage: 'late', message: 'nobody' },
      { type: 'user-message', conversationId: c, text: '__agent_escalation_failed__', system: true },
      { type: 'fallback', conversationId: c, botId: 'concierge', text: 'blah' },
      { type: 'disambiguation', conversationId: c, botId: 'concierge', options: [{ intentId: 'a', name: 'A', score: 0.5 }, { intentId: 'b', name: 'B', score: 0.48 }] },
    ]);
    expect(timeline.lanes).toEqual(['concierge']);
    expect(timeline.items.map((i) => i.kind)).toEqual(['transfer-failed', 'escalation-failed', 'fallback', 'disambiguation']);
    expect(timeline.items[3]).toMatchObject({ options: 'A (0.50), B (0.48)' });
  });

  it('a transfer back to an earlier bot reuses its lane and points left', () => {
    const timeline = buildTimeline('concierge', [
      ...refund.slice(3, 4),
      { type: 'transfer', conversationId: c, transferId: 't2', fromBotId: 'billing', toSkill: 'concierge', toBotId: 'concierge', automatic: true },
    ]);
    expect(timeline.lanes).toEqual(['concierge', 'billing']);
    expect(timeline.items[1]).toMatchObject({ from: 1, to: 0, context: 'off', automatic: true });
    expect(timeline.holder).toBe('concierge');
  });
});

describe('describeTangoContext', () => {
  it('shows a bot\'s system commands: closing the conversation, with or without the survey, and setting the profile', () => {
    const events: ConversationEvent[] = [
      { type: 'system-command', conversationId: c, botId: 'billing', dialog: 'Profile', command: 'SET_USER_PROFILE', profile: { name: 'Ada', email: 'ada@example.com' } },
      { type: 'system-command', conversationId: c, botId: 'billing', dialog: 'Bye', command: 'LP_CLOSEDIALOG' },
      { type: 'system-command', conversationId: c, botId: 'concierge', dialog: 'Bye', command: 'LP_CLOSECONVERSATION' },
    ];
    expect(buildTimeline('concierge', events).items).toEqual([
      { kind: 'system-command', lane: 1, botId: 'billing', text: 'set the user profile: name, email (SET_USER_PROFILE)' },
      { kind: 'system-command', lane: 1, botId: 'billing', text: 'closed the conversation, with the post-conversation survey (LP_CLOSEDIALOG)' },
      { kind: 'system-command', lane: 0, botId: 'concierge', text: 'closed the conversation (LP_CLOSECONVERSATION)' },
    ]);
  });

  it('names what travelled', () => {
    expect(describeTangoContext({ userMessage: 'wifi down' })).toBe('user message "wifi down"');
    expect(describeTangoContext({ intentId: 'x', userMessage: 'y' })).toBe('intent ID x, user message "y"');
    expect(describeTangoContext({})).toBe('empty');
    expect(describeTangoContext(undefined)).toBe('off');
  });
});

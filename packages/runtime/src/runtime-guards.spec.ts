import { ContainerModule } from 'inversify';
import { describe, expect, it, vi } from 'vitest';
import { BottangoError, IntentMatcher, ManualClock, type BotDefinition, type ConversationEvent } from '@bottango/core';
import { createRuntime } from './index.js';
import { KeywordIntentMatcher } from './__fixtures__/keyword-matcher.js';

const keywordMatcher = new ContainerModule(({ bind }) => {
  bind(KeywordIntentMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(KeywordIntentMatcher);
});

function said(events: ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'bot-message' ? [`${e.botId}: ${e.text}`] : []));
}

/** A bot that answers everything by transferring to `to`. */
function bouncer(id: string, to: string, onFailure?: string): BotDefinition {
  return {
    id,
    skills: [id],
    intents: [],
    dialogs: [
      {
        name: 'Bounce',
        type: 'standard',
        starter: { patterns: ['*'] },
        interactions: [
          { type: 'agentTransfer', skill: to, message: `${id} passes you on`, tangoContext: false, ...(onFailure ? { onFailure } : {}) },
          ...(onFailure ? [{ type: 'text' as const, name: onFailure, text: `${id} keeps you` }] : []),
        ],
      },
    ],
  };
}

describe('runtime guards', () => {
  it('refuses a transfer back to a bot the conversation already left in the same turn (no ping-pong)', async () => {
    const rt = await createRuntime({ bots: [bouncer('a', 'b'), bouncer('b', 'a', 'Stay')] });
    const id = await rt.startConversation({ botId: 'a' });
    const events = await rt.send(id, 'hello');
    expect(events.filter((e) => e.type === 'transfer')).toHaveLength(1);
    const failed = events.find((e) => e.type === 'transfer-failed');
    expect(failed).toMatchObject({ fromBotId: 'b', reason: 'transfer-loop', stage: 'immediate' });
    expect(failed && 'message' in failed ? failed.message : '').toContain('a → b → a');
    expect(said(events)).toEqual(['a: a passes you on', 'b: b keeps you']);
    expect((await rt.getConversation(id))?.ownerBotId).toBe('b');
  });

  it('keeps the conversation with the sender when the receiver answers after the timeout, and shows nothing of it', async () => {
    const slow: BotDefinition = {
      id: 'slow',
      skills: ['slow'],
      intents: [],
      dialogs: [{ name: 'Late', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'question', text: 'slow asks something', preProcess: () => new Promise((r) => setTimeout(r, 300)) }] }],
    };
    const sender: BotDefinition = {
      ...bouncer('front', 'slow'),
      dialogs: [
        ...bouncer('front', 'slow').dialogs.map((d) => ({ ...d, starter: { patterns: ['go'] } })),
        { name: 'Failed', type: 'standard', starter: { patterns: ['__agent_escalation_failed__'] }, interactions: [{ type: 'text', text: 'front: transfer failed, I keep you' }] },
      ],
    };
    const rt = await createRuntime({ bots: [sender, slow], transferTimeoutMs: 50 });
    const seen: ConversationEvent[] = [];
    rt.onEvent((e) => seen.push(e));
    const id = await rt.startConversation({ botId: 'front' });
    const events = await rt.send(id, 'go');
    expect(events.find((e) => e.type === 'transfer-failed')).toMatchObject({ reason: 'timeout', stage: 'late' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await rt.getConversation(id))?.ownerBotId).toBe('front');
    expect(seen.some((e) => e.type === 'bot-message' && e.botId === 'slow')).toBe(false);
    expect(seen.some((e) => e.type === 'transfer')).toBe(false);
  });

  it('times a transfer out on the runtime clock (a ManualClock: no real time passes)', async () => {
    let release: () => void = () => undefined;
    const stuck: BotDefinition = {
      id: 'stuck',
      skills: ['stuck'],
      intents: [],
      dialogs: [{ name: 'Stuck', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: 'stuck answers', preProcess: () => new Promise<void>((r) => (release = r)) }] }],
    };
    const clock = new ManualClock(5_000);
    const front = bouncer('front', 'stuck');
    const sender: BotDefinition = {
      ...front,
      dialogs: [
        ...front.dialogs.map((d) => ({ ...d, starter: { patterns: ['go'] } })),
        { name: 'Failed', type: 'standard', starter: { patterns: ['__agent_escalation_failed__'] }, interactions: [{ type: 'text', text: 'front keeps you' }] },
      ],
    };
    const rt = await createRuntime({ bots: [sender, stuck], transferTimeoutMs: 60_000, clock });
    const id = await rt.startConversation({ botId: 'front' });
    const sent = rt.send(id, 'go');
    await vi.waitFor(() => expect(clock.pending).toBe(1));
    expect((await rt.getConversation(id))?.transferring?.since).toBe(5_000);
    clock.advance(60_000);
    const events = await sent;
    expect(events.find((e) => e.type === 'transfer-failed')).toMatchObject({ reason: 'timeout', stage: 'late', message: 'bot "stuck" did not accept within 60000 ms' });
    expect(said(events).at(-1)).toBe('front: front keeps you');
    release();
    await rt.close();
  });

  it('never starts the auto-escalation dialog for fallbacks outside a question (spec 3.5: failed answers within a question)', async () => {
    const bot: BotDefinition = {
      id: 'faq',
      skills: ['faq'],
      intents: [],
      settings: { autoEscalationAfter: 2 },
      dialogs: [
        { name: 'Hours', type: 'standard', starter: { patterns: ['*hours*'] }, interactions: [{ type: 'text', text: '9 to 5' }] },
        { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Sorry?' }] },
        { name: 'Escalate', type: 'auto-escalation', interactions: [{ type: 'text', text: 'Let me get you a person.' }] },
      ],
    };
    const rt = await createRuntime({ bots: [bot] });
    const id = await rt.startConversation({ botId: 'faq' });
    expect(said(await rt.send(id, 'blah'))).toEqual(['faq: Sorry?']);
    expect(said(await rt.send(id, 'opening hours'))).toEqual(['faq: 9 to 5']);
    expect(said(await rt.send(id, 'blah'))).toEqual(['faq: Sorry?']);
    expect(said(await rt.send(id, 'blah blah'))).toEqual(['faq: Sorry?']);
    expect(said(await rt.send(id, 'blah'))).toEqual(['faq: Sorry?']);
  });

  it('stops a dialog that loops without waiting for the user, with a DIALOG_LOOP error', async () => {
    const bot: BotDefinition = {
      id: 'loopy',
      skills: ['loopy'],
      intents: [],
      dialogs: [{ name: 'Spin', type: 'standard', starter: { patterns: ['spin'] }, interactions: [{ type: 'text', name: 'again', text: 'round', next: 'again' }] }],
    };
    const rt = await createRuntime({ bots: [bot] });
    const id = await rt.startConversation({ botId: 'loopy' });
    const events = await rt.send(id, 'spin');
    expect(events.filter((e) => e.type === 'bot-message').length).toBe(50);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'DIALOG_LOOP' });
  });

  it('does not carry a Tango Context prepared for a failed escalation into the next one', async () => {
    const bot: BotDefinition = {
      id: 'front',
      skills: ['front'],
      intents: [],
      dialogs: [
        {
          name: 'Bad',
          type: 'standard',
          starter: { patterns: ['bad'] },
          interactions: [{ type: 'agentTransfer', skill: 'nobody', message: 'x', tangoContext: true, preProcess: (c) => c.setBotTransferIntentId('stale'), onFailure: 'Oops' }, { type: 'text', name: 'Oops', text: 'oops' }],
        },
        { name: 'Good', type: 'standard', starter: { patterns: ['good'] }, interactions: [{ type: 'agentTransfer', skill: 'back', message: 'BLANK_MESSAGE', tangoContext: true }] },
      ],
    };
    const back: BotDefinition = { id: 'back', skills: ['back'], intents: [], dialogs: [{ name: 'Hi', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: 'back here' }] }] };
    const rt = await createRuntime({ bots: [bot, back] });
    const id = await rt.startConversation({ botId: 'front' });
    await rt.send(id, 'bad');
    const events = await rt.send(id, 'good');
    expect(events.find((e) => e.type === 'transfer')).toMatchObject({ context: {} });
  });

  it('starts the first dialog of two that use the same intent, and refuses a duplicate conversation ID', async () => {
    const bot: BotDefinition = {
      id: 'dup',
      skills: ['dup'],
      intents: [{ id: 'i', name: 'i', trainingPhrases: ['order pizza'] }],
      dialogs: [
        { name: 'First', type: 'standard', starter: { intent: 'i' }, interactions: [{ type: 'text', text: 'first' }] },
        { name: 'Second', type: 'standard', starter: { intent: 'i' }, interactions: [{ type: 'text', text: 'second' }] },
      ],
    };
    const rt = await createRuntime({ bots: [bot], modules: [keywordMatcher] });
    const id = await rt.startConversation({ botId: 'dup', conversationId: 'c1' });
    expect(said(await rt.send(id, 'order pizza'))).toEqual(['dup: first']);
    await expect(rt.startConversation({ botId: 'dup', conversationId: 'c1' })).rejects.toSatisfy((e) => BottangoError.is(e) && e.message.includes('conversation "c1" already exists'));
  });
});

import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { AGENT_ESCALATION_FAILED, BottangoError, ConversationStateStore, IntentMatcher, type ConversationEvent, type ConversationState } from '@bottango/core';
import { createRuntime, MemoryConversationStateStore, type BottangoRuntime } from './index.js';
import { demoBots } from './__fixtures__/bots.js';
import { KeywordIntentMatcher } from './__fixtures__/keyword-matcher.js';

const keywordMatcher = new ContainerModule(({ bind }) => {
  bind(KeywordIntentMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(KeywordIntentMatcher);
});

async function runtime(options: { maxEscalationRetries?: number } = {}): Promise<BottangoRuntime> {
  return createRuntime({ bots: demoBots(), modules: [keywordMatcher], ...options });
}

function said(events: ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'bot-message' ? [`${e.botId}: ${e.text}`] : []));
}

function only<T extends ConversationEvent['type']>(events: ConversationEvent[], type: T): Extract<ConversationEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);
}

describe('receiver rules', () => {
  it('starts the dialog tied to the transferred intent ID, without matching', async () => {
    const rt = await runtime();
    const id = await rt.startConversation({ botId: 'concierge' });
    const events = await rt.send(id, 'I need a refund please');
    const [transfer] = only(events, 'transfer');
    expect(transfer).toMatchObject({ fromBotId: 'concierge', toSkill: 'billing', toBotId: 'billing', context: { intentId: 'billing.refund' } });
    const started = only(events, 'dialog-started').at(-1);
    expect(started).toMatchObject({ botId: 'billing', dialog: 'Refund', trigger: { by: 'tango-intent', intentId: 'billing.refund' }, afterTransfer: true });
    expect(said(events)).toEqual([
      'concierge: Let me get billing for your refund.',
      'billing: Billing: let us sort out your refund (gold customer).',
      'billing: What is the order number?',
    ]);
    // The receiver now owns the conversation and continues its dialog.
    expect(said(await rt.send(id, 'A-17'))).toEqual(['billing: Refund for order A-17 is on its way.']);
    expect((await rt.getConversation(id))?.ownerBotId).toBe('billing');
  });

  it('matches the transferred user message against the receiver intents when there is no intent ID', async () => {
    const rt = await runtime();
    const id = await rt.startConversation({ botId: 'concierge' });
    const events = await rt.send(id, 'my internet is down');
    expect(only(events, 'transfer')[0]?.context).toEqual({ userMessage: 'my internet is down' });
    expect(only(events, 'dialog-started').at(-1)).toMatchObject({ botId: 'tech', dialog: 'Internet', trigger: { by: 'intent', intentId: 'tech.internet' } });
    expect(said(events).at(-1)).toBe('tech: Tech: let us restart your router.');
  });

  it('with Tango Context off, the receiver acts on the last user message, never on the sender transfer message', async () => {
    const rt = await runtime();
    const id = await rt.startConversation({ botId: 'concierge' });
    const events = await rt.send(id, 'where is my invoice');
    const [transfer] = only(events, 'transfer');
    expect(transfer?.context).toBeUndefined();
    // The transfer message says "agent", which billing's "Agent words" dialog would match.
    expect(said(events)).toEqual(['concierge: Transferring you to an agent now.', 'billing: Billing: here is your invoice.']);
  });

  it('with Tango Context on but empty, the ordinary flow continues with the last user message', async () => {
    const rt = await runtime();
    const id = await rt.startConversation({ botId: 'concierge' });
    const events = await rt.send(id, 'send me my statement');
    expect(only(events, 'transfer')[0]?.context).toEqual({});
    expect(only(events, 'fallback')[0]).toMatchObject({ botId: 'billing', text: 'send me my statement' });
    expect(said(events)).toEqual(['billing: Billing did not understand.']);
  });

  it('falls back to the user message when the receiver does not know the intent ID, and to its fallback when that does not match', async () => {
    const bots = demoBots();
    const concierge = bots[0]!;
    const dialogs = concierge.dialogs.map((d) =>
      d.name === 'Internet handoff'
        ? {
            ...d,
            interactions: [
              {
                type: 'agentTransfer' as const,
                skill: 'tech',
                message: 'BLANK_MESSAGE',
                tangoContext: true,
                preProcess: (ctx: import('@bottango/core').BotContext) => {
                  ctx.setBotTangoContextVariable('intentId', 'no.such.intent');
                  ctx.setBotTangoContextVariable('userMessage', ctx.getCurrentUserMessage());
                },
              },
            ],
          }
        : d,
    );
    const rt = await createRuntime({ bots: [{ ...concierge, dialogs }, ...bots.slice(1)], modules: [keywordMatcher] });
    const id = await rt.startConversation({ botId: 'concierge' });
    const matched = await rt.send(id, 'the wifi does not work with my router');
    expect(only(matched, 'dialog-started').at(-1)).toMatchObject({ botId: 'tech', dialog: 'Internet' });

    const id2 = await rt.startConversation({ botId: 'concierge' });
    const unmatched = await rt.send(id2, 'router router router');
    expect(only(unmatched, 'fallback')[0]).toMatchObject({ botId: 'tech' });
    expect(said(unmatched)).toEqual(['tech: Tech did not understand.']);
  });
});

describe('transfer failures', () => {
  it('injects __agent_escalation_failed__ into the sender when no agent holding the skill is connected', async () => {
    const rt = await runtime();
    rt.setAgentStatus('human-desk', { connected: false });
    const id = await rt.startConversation({ botId: 'concierge' });
    const events = await rt.send(id, 'let me talk to a human');
    expect(only(events, 'transfer-failed')).toMatchObject([{ fromBotId: 'concierge', toSkill: 'human', reason: 'no-agent-available', stage: 'late' }]);
    expect(only(events, 'user-message').map((e) => [e.text, e.system])).toEqual([
      ['let me talk to a human', undefined],
      [AGENT_ESCALATION_FAILED, true],
    ]);
    expect(said(events)).toEqual(['concierge: Connecting you to a person.', 'concierge: Sorry, nobody can take your conversation right now.']);
    expect((await rt.getConversation(id))?.ownerBotId).toBe('concierge');
  });

  it('treats a receiver that refuses as a late failure', async () => {
    const rt = await runtime();
    rt.setAgentStatus('human-desk', { acceptsTransfers: false });
    const id = await rt.startConversation({ botId: 'concierge' });
    const events = await rt.send(id, 'human please');
    expect(only(events, 'transfer-failed')[0]).toMatchObject({ reason: 'rejected', stage: 'late' });
  });

  it('stops retrying after the cap with the final message, and a later request starts counting again', async () => {
    const rt = await runtime({ maxEscalationRetries: 2 });
    rt.setAgentStatus('human-desk', { connected: false });
    const id = await rt.startConversation({ botId: 'concierge' });
    const stages: string[][] = [];
    const turns: ConversationEvent[][] = [];
    for (let i = 0; i < 4; i++) {
      const events = await rt.send(id, 'human');
      turns.push(events);
      stages.push(only(events, 'transfer-failed').map((e) => e.stage));
    }
    expect(stages).toEqual([['late'], ['late'], ['late', 'final'], ['late']]);
    expect(said(turns[2]!).at(-1)).toBe('concierge: Not able to transfer to Agent at this time. Please try later.');
    expect(only(turns[2]!, 'user-message').some((e) => e.system)).toBe(false);
    expect(said(turns[3]!).at(-1)).toBe('concierge: Sorry, nobody can take your conversation right now.');
  });

  it('refuses a transfer to a skill the bot holds itself (loop) and takes the failure branch', async () => {
    const rt = await runtime();
    const id = await rt.startConversation({ botId: 'concierge' });
    const events = await rt.send(id, 'loop');
    expect(only(events, 'transfer-failed')).toMatchObject([{ reason: 'transfer-loop', stage: 'immediate' }]);
    expect(only(events, 'error')[0]?.message).toContain('it holds that skill itself (transfer loop)');
    expect(said(events)).toEqual(['concierge: I cannot transfer you to myself.']);
    expect(only(events, 'transfer')).toHaveLength(0);
  });

  it('a well-formed skill no bot holds fails late (spec 3.4): the transfer message, __agent_escalation_failed__, the retry cap', async () => {
    const rt = await runtime({ maxEscalationRetries: 1 });
    const id = await rt.startConversation({ botId: 'concierge' });
    const first = await rt.send(id, 'nowhere');
    expect(only(first, 'transfer-failed')).toMatchObject([{ reason: 'no-agent-available', stage: 'late', toSkill: 'astronomy', message: 'no connected bot agent holds skill "astronomy"' }]);
    expect(only(first, 'user-message').map((e) => e.text)).toEqual(['nowhere', AGENT_ESCALATION_FAILED]);
    expect(said(first)).toEqual(['concierge: Off to astronomy.', 'concierge: Sorry, nobody can take your conversation right now.']);
    const second = await rt.send(id, 'nowhere');
    expect(only(second, 'transfer-failed').map((e) => e.stage)).toEqual(['late', 'final']);
    expect(said(second).at(-1)).toBe('concierge: Not able to transfer to Agent at this time. Please try later.');
  });
});

describe('conversations', () => {
  it('handles the messages of one conversation in order while many run at once', async () => {
    const rt = await runtime();
    const ids = await Promise.all(Array.from({ length: 50 }, () => rt.startConversation({ botId: 'concierge' })));
    const results = await Promise.all(ids.flatMap((id, i) => [rt.send(id, 'refund'), rt.send(id, `order-${i}`)]));
    for (let i = 0; i < ids.length; i++) {
      expect(said(results[2 * i + 1]!)).toEqual([`billing: Refund for order order-${i} is on its way.`]);
    }
  });

  it('keeps conversation state as plain JSON', async () => {
    const rt = await runtime();
    const id = await rt.startConversation({ botId: 'concierge', userId: 'u1' });
    await rt.send(id, 'refund');
    const state = await rt.getConversation(id);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state).toMatchObject({ userId: 'u1', ownerBotId: 'billing', dialogStack: [{ dialog: 'Refund', awaitingAnswer: true }] });
  });

  it('switches context on a question and repeats the question when the other dialog ends', async () => {
    const rt = await runtime();
    const id = await rt.startConversation({ botId: 'concierge' });
    await rt.send(id, 'refund');
    const events = await rt.send(id, 'what is my balance');
    expect(said(events)).toEqual(['billing: Your balance is 42 EUR.', 'billing: What is the order number?']);
    expect(said(await rt.send(id, 'B-2'))).toEqual(['billing: Refund for order B-2 is on its way.']);
  });

  it('rejects messages for unknown conversations with a clear error', async () => {
    const rt = await runtime();
    await expect(rt.send('nope', 'hi')).rejects.toSatisfy((e) => BottangoError.is(e, 'UNKNOWN_CONVERSATION'));
  });

  it('refuses at start-up a bot whose intents have no matcher loaded', async () => {
    await expect(createRuntime({ bots: demoBots() })).rejects.toThrow(/intent matcher "\(none\)"|is not loaded/);
  });

  it('checks bots built in code like bot files: every problem, with its path, in one INVALID_DEFINITION error', async () => {
    const bot: import('@bottango/core').BotDefinition = {
      id: 'shop',
      skills: ['shop'],
      intents: [],
      dialogs: [
        { name: 'Welcome', type: 'standard', starter: { patterns: ['hi'] }, interactions: [{ type: 'text', text: 'Hello', next: 'nowhere' }, { type: 'text', text: ' ' }] },
        { name: 'Welcome', type: 'standard', starter: { patterns: ['hello'] }, interactions: [{ type: 'text', text: 'Hi again' }] },
      ],
    };
    const error = await createRuntime({ bots: [bot] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(BottangoError.is(error, 'INVALID_DEFINITION')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("(bot shop) dialogs[0].interactions[0].next: next names 'nowhere'");
    expect(message).toContain('(bot shop) dialogs[0].interactions[1].text: text is empty');
    expect(message).toMatch(/\(bot shop\) dialogs\[1\]\.name: duplicate dialog name 'Welcome'/);
  });
});

describe('disambiguation', () => {
  const orders = (): import('@bottango/core').BotDefinition => ({
    id: 'orders',
    skills: ['orders'],
    intents: [
      { id: 'refund', name: 'Refund an order', trainingPhrases: ['refund my order'] },
      { id: 'cancel', name: 'Cancel an order', trainingPhrases: ['cancel my order'] },
    ],
    dialogs: [
      { name: 'Refund', type: 'standard', starter: { intent: 'refund' }, interactions: [{ type: 'text', text: 'Refunding.' }] },
      { name: 'Cancel', type: 'standard', starter: { intent: 'cancel' }, interactions: [{ type: 'text', text: 'Cancelling.' }] },
      { name: 'Which', type: 'disambiguation', interactions: [{ type: 'text', text: 'Did you mean:' }] },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Orders did not understand.' }] },
    ],
  });

  it('offers the intents at FAIR PLUS plus "none of the above", and starts the one the user picks', async () => {
    const rt = await createRuntime({ bots: [orders()], modules: [keywordMatcher] });
    const id = await rt.startConversation({ botId: 'orders' });
    // Both score 0.5 (FAIR PLUS, below GOOD): the user chooses. Two intents at GOOD or better never ask (spec 5.4).
    const offer = await rt.send(id, 'my order please');
    expect(only(offer, 'disambiguation')[0]?.options.map((o) => o.name)).toEqual(['Cancel an order', 'Refund an order']);
    expect(said(offer)).toEqual(['orders: Did you mean:\n1. Cancel an order\n2. Refund an order\n3. None of the above']);
    const picked = await rt.send(id, '2');
    expect(only(picked, 'dialog-started')[0]).toMatchObject({ dialog: 'Refund', trigger: { by: 'disambiguation', intentId: 'refund' } });
    expect(said(picked)).toEqual(['orders: Refunding.']);
  });

  it('goes to the fallback on "none of the above", and starts a clear winner without asking', async () => {
    const rt = await createRuntime({ bots: [orders()], modules: [keywordMatcher] });
    const id = await rt.startConversation({ botId: 'orders' });
    await rt.send(id, 'my order please');
    expect(said(await rt.send(id, 'none of the above'))).toEqual(['orders: Orders did not understand.']);
    expect(said(await rt.send(id, 'cancel my order'))).toEqual(['orders: Cancelling.']);
  });
});

describe('steps for transports', () => {
  it('applies a message the bot cannot handle as an error and starts afresh, so later messages are not held up', async () => {
    const states = new MemoryConversationStateStore();
    const rt = await createRuntime({ bots: demoBots(), modules: [keywordMatcher, new ContainerModule(({ bind }) => void bind(ConversationStateStore).toConstantValue(states))] });
    const id = await rt.startConversation({ botId: 'concierge' });
    const stored = (await states.load(id)) as ConversationState;
    // A conversation stored by an older version of the bot, waiting in a dialog the bot no longer has.
    await states.save({ ...stored, dialogStack: [{ dialog: 'Removed since', position: 0, awaitingAnswer: true }] });

    const first = await rt.applyMessage(id, 'concierge', 'hello', 1);
    expect(first).toMatchObject({ kind: 'applied', events: [{ type: 'error', botId: 'concierge', code: 'INVALID_DEFINITION', message: expect.stringContaining('message 1 could not be handled') }] });
    expect(await rt.getConversation(id)).toMatchObject({ appliedSeq: 1, dialogStack: [] });

    const second = await rt.applyMessage(id, 'concierge', 'I need a refund please', 2);
    expect(second.kind).toBe('applied');
    expect(second.kind === 'applied' && only([...second.events], 'error')).toEqual([]);
    expect((await rt.getConversation(id))?.appliedSeq).toBe(2);
  });
});

import { ContainerModule, injectable } from 'inversify';
import { describe, expect, it } from 'vitest';
import { IntentMatcher, type BotDefinition, type BotScript, type ConversationEvent, type IntentClassifier, type IntentDefinition, type IntentScore } from '@bottango/core';
import { createRuntime } from './index.js';

/**
 * A deterministic matcher with scores written in the training phrases: `"cancel my parking = 0.92"` scores 0.92 for
 * exactly that text (ignoring case), every other text 0.
 */
@injectable()
class ScriptedIntentMatcher implements IntentMatcher {
  readonly id = 'scripted';

  async train(intents: readonly IntentDefinition[]): Promise<IntentClassifier> {
    const table = intents.map((intent) => ({
      id: intent.id,
      scores: new Map(
        intent.trainingPhrases.map((phrase) => {
          const [text, score] = phrase.split('=');
          return [(text ?? '').trim().toLowerCase(), Number(score)] as const;
        }),
      ),
    }));
    return {
      classify(text: string) {
        const key = text.trim().toLowerCase();
        const ranked: IntentScore[] = table.map(({ id, scores }) => ({ intentId: id, score: scores.get(key) ?? 0 }));
        ranked.sort((a, b) => b.score - a.score || a.intentId.localeCompare(b.intentId));
        return { ranked };
      },
    };
  }
}

const scripted = new ContainerModule(({ bind }) => {
  bind(ScriptedIntentMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(ScriptedIntentMatcher);
});

function said(events: ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'bot-message' ? [e.text] : []));
}

function only<T extends ConversationEvent['type']>(events: ConversationEvent[], type: T): Extract<ConversationEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);
}

/** A parking and rooms bot; `extra` adds dialogs and settings. */
function parking(extra: Partial<BotDefinition> = {}): BotDefinition {
  return {
    id: 'parking',
    skills: ['parking'],
    intents: [
      { id: 'cancel-parking', name: 'Cancel parking', trainingPhrases: ['cancel my parking = 0.92', 'parking or room = 0.55', 'unsure parking = 0.5'] },
      { id: 'book-parking', name: 'Book parking', trainingPhrases: ['cancel my parking = 0.86', 'parking or room = 0.5'] },
      { id: 'parking-hours', name: 'Parking hours', trainingPhrases: ['parking or room = 0.48', 'hours or fees = 0.5'] },
      { id: 'parking-fees', name: 'Parking fees', trainingPhrases: ['hours or fees = 0.47'] },
    ],
    ...extra,
    dialogs: [
      { name: 'Cancel', type: 'standard', starter: { intent: 'cancel-parking' }, interactions: [{ type: 'text', text: 'Cancelling your parking.' }] },
      { name: 'Book', type: 'standard', starter: { intent: 'book-parking' }, interactions: [{ type: 'text', text: 'Booking parking.' }] },
      { name: 'Hours', type: 'standard', starter: { intent: 'parking-hours' }, interactions: [{ type: 'text', text: 'Open 24/7.' }] },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Sorry?' }] },
      ...(extra.dialogs ?? []),
    ],
  };
}

const which = { name: 'Which', type: 'disambiguation' as const, interactions: [{ type: 'text' as const, text: 'Did you mean:' }] };

describe('intent selection and disambiguation (spec 5.4, 5.6)', () => {
  it('starts the highest raw score when two intents are VERY GOOD and within 0.10, without disambiguating', async () => {
    const rt = await createRuntime({ bots: [parking({ dialogs: [which] })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'parking' });
    const events = await rt.send(id, 'cancel my parking');
    expect(only(events, 'disambiguation')).toEqual([]);
    expect(only(events, 'dialog-started')[0]).toMatchObject({ dialog: 'Cancel', trigger: { by: 'intent', intentId: 'cancel-parking', score: 0.92, band: 'VERY_GOOD' } });
    expect(said(events)).toEqual(['Cancelling your parking.']);
  });

  it('offers disambiguation between the intents at FAIR PLUS when none reaches GOOD', async () => {
    const rt = await createRuntime({ bots: [parking({ dialogs: [which] })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'parking' });
    const events = await rt.send(id, 'parking or room');
    expect(only(events, 'disambiguation')[0]?.options.map((o) => o.intentId)).toEqual(['cancel-parking', 'book-parking', 'parking-hours']);
    expect(said(await rt.send(id, '2'))).toEqual(['Booking parking.']);
  });

  it('sends a lone FAIR PLUS intent to the fallback by default', async () => {
    const rt = await createRuntime({ bots: [parking({ dialogs: [which] })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'parking' });
    const events = await rt.send(id, 'unsure parking');
    expect(only(events, 'fallback')).toHaveLength(1);
    expect(said(events)).toEqual(['Sorry?']);
  });

  it('with useIntentsOnlyWithDialogStartersInDisambiguation, starts a lone FAIR PLUS intent straight away', async () => {
    const rt = await createRuntime({ bots: [parking({ dialogs: [which], settings: { useIntentsOnlyWithDialogStartersInDisambiguation: true } })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'parking' });
    const events = await rt.send(id, 'unsure parking');
    expect(only(events, 'dialog-started')[0]).toMatchObject({ dialog: 'Cancel', trigger: { by: 'intent', intentId: 'cancel-parking', band: 'FAIR_PLUS' } });
    // Two at FAIR PLUS, one without a dialog starter (parking-fees): only the one with a starter is left, so it starts.
    const second = await rt.send(id, 'hours or fees');
    expect(only(second, 'disambiguation')).toEqual([]);
    expect(said(second)).toEqual(['Open 24/7.']);
  });

  it('by default offers intents without a dialog starter too; choosing one sends the fallback', async () => {
    const rt = await createRuntime({ bots: [parking({ dialogs: [which] })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'parking' });
    const offer = await rt.send(id, 'hours or fees');
    expect(only(offer, 'disambiguation')[0]?.options.map((o) => o.intentId)).toEqual(['parking-hours', 'parking-fees']);
    const picked = await rt.send(id, 'Parking fees');
    expect(only(picked, 'fallback')).toHaveLength(1);
    expect(said(picked)).toEqual(['Sorry?']);
  });

  it('ignores FAIR PLUS without a disambiguation dialog', async () => {
    const rt = await createRuntime({ bots: [parking({ settings: { useIntentsOnlyWithDialogStartersInDisambiguation: true } })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'parking' });
    expect(said(await rt.send(id, 'unsure parking'))).toEqual(['Sorry?']);
  });
});

describe('meta intents (spec 5.4)', () => {
  const bot = (): BotDefinition => ({
    id: 'desk',
    skills: ['desk'],
    intents: [
      { id: 'billing', name: 'Billing', trainingPhrases: [], children: ['refund', 'invoice'] },
      { id: 'refund', name: 'Refund', trainingPhrases: ['money back = 0.9'] },
      { id: 'invoice', name: 'Invoice', trainingPhrases: ['my invoice = 0.8'] },
    ],
    dialogs: [
      { name: 'Billing', type: 'standard', starter: { intent: 'billing' }, interactions: [{ type: 'text', text: 'Billing here.', preProcess: (ctx) => ctx.setBotVariable('intent', ctx.getDialogStarterIntent() ?? '') }, { type: 'text', text: 'You asked about {$botContext.intent}.' }] },
      { name: 'Invoice', type: 'standard', starter: { intent: 'invoice' }, interactions: [{ type: 'text', text: 'Invoices have their own dialog.' }] },
    ],
  });

  it("starts the meta intent's dialog for a child; getDialogStarterIntent names the child; a child's own dialog comes first", async () => {
    const rt = await createRuntime({ bots: [bot()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'desk' });
    const events = await rt.send(id, 'money back');
    expect(only(events, 'dialog-started')[0]).toMatchObject({ dialog: 'Billing', trigger: { by: 'intent', intentId: 'refund' } });
    expect(said(events)).toEqual(['Billing here.', 'You asked about Refund.']);
    expect(said(await rt.send(id, 'my invoice'))).toEqual(['Invoices have their own dialog.']);
  });
});

describe('question response conditions and auto escalation (spec 3.5, 5.7)', () => {
  const bot = (settings: BotDefinition['settings'] = {}): BotDefinition => ({
    id: 'shop',
    skills: ['shop'],
    intents: [{ id: 'yes', name: 'Yes', trainingPhrases: ['sure thing = 0.8', 'maybe = 0.5'] }],
    settings,
    dialogs: [
      {
        name: 'Order',
        type: 'standard',
        starter: { patterns: ['order'] },
        interactions: [
          {
            type: 'question',
            text: 'Size S, M or L?',
            saveAs: 'size',
            conditions: [
              { match: 'exact', value: 'S' },
              { match: 'regex', value: '^(m|medium)$' },
              { match: 'pattern', value: '*large*', next: 'Big' },
            ],
          },
          { type: 'text', text: 'Size {$botContext.size} it is.', next: 'end' },
          { type: 'text', name: 'Big', text: 'A large one.' },
        ],
      },
      {
        name: 'Confirm',
        type: 'standard',
        starter: { patterns: ['confirm'] },
        interactions: [{ type: 'question', text: 'Shall I?', conditions: [{ match: 'intent', value: 'yes' }] }, { type: 'text', text: 'Done.' }],
      },
      { name: 'Hours', type: 'standard', starter: { patterns: ['*hours*', 'large hours'] }, interactions: [{ type: 'text', text: '9 to 5' }] },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Sorry?' }] },
      { name: 'Escalate', type: 'auto-escalation', interactions: [{ type: 'text', text: 'Let me get you a person.' }] },
    ],
  });

  it('takes an answer a condition matches (exact, regex, pattern with its own next)', async () => {
    const rt = await createRuntime({ bots: [bot()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'order');
    expect(said(await rt.send(id, 's'))).toEqual(['Size s it is.']);
    await rt.send(id, 'order');
    expect(said(await rt.send(id, 'Medium'))).toEqual(['Size Medium it is.']);
    await rt.send(id, 'order');
    expect(said(await rt.send(id, 'a large one please'))).toEqual(['A large one.']);
  });

  it('refuses a bot whose condition pattern does not compile, naming the path (as for starter patterns)', async () => {
    const broken = bot();
    const order = broken.dialogs[0] as BotDefinition['dialogs'][number];
    const dialogs = [{ ...order, interactions: [{ type: 'question' as const, text: 'Size?', conditions: [{ match: 'pattern' as const, value: '(small|medium' }] }] }, ...broken.dialogs.slice(1)];
    const error = await createRuntime({ bots: [{ ...broken, dialogs }], modules: [scripted] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_DEFINITION' });
    expect((error as Error).message).toContain('(bot shop) dialogs[0].interactions[0].conditions[0].value: invalid pattern "(small|medium"');
  });

  it('takes an answer by intent at GOOD or better only', async () => {
    const rt = await createRuntime({ bots: [bot()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'confirm');
    expect(said(await rt.send(id, 'maybe'))).toEqual(['Sorry?', 'Shall I?']);
    expect(said(await rt.send(id, 'sure thing'))).toEqual(['Done.']);
  });

  it('a condition match wins over context switching; no match switches context as before', async () => {
    const rt = await createRuntime({ bots: [bot()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'order');
    // "large hours" also starts Hours, but the question's pattern condition takes it first.
    expect(said(await rt.send(id, 'large hours'))).toEqual(['A large one.']);
    await rt.send(id, 'order');
    expect(said(await rt.send(id, 'your hours'))).toEqual(['9 to 5', 'Size S, M or L?']);
  });

  it('sends the fallback for N failed answers to a question and starts auto escalation on the N+1th', async () => {
    const rt = await createRuntime({ bots: [bot({ autoEscalationAfter: 2 })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'order');
    expect(said(await rt.send(id, 'blue'))).toEqual(['Sorry?', 'Size S, M or L?']);
    expect(said(await rt.send(id, 'green'))).toEqual(['Sorry?', 'Size S, M or L?']);
    const third = await rt.send(id, 'red');
    expect(only(third, 'dialog-started')[0]).toMatchObject({ dialog: 'Escalate' });
    expect(said(third)).toEqual(['Let me get you a person.', 'Size S, M or L?']);
    // The count starts again.
    expect(said(await rt.send(id, 'pink'))).toEqual(['Sorry?', 'Size S, M or L?']);
  });

  it('counts only consecutive failed answers within a question: a good answer or leaving the question resets it', async () => {
    const rt = await createRuntime({ bots: [bot({ autoEscalationAfter: 2 })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'order');
    await rt.send(id, 'blue');
    await rt.send(id, 'green');
    // Leaving the question for another dialog and coming back starts counting again.
    expect(said(await rt.send(id, 'hours?'))).toEqual(['9 to 5', 'Size S, M or L?']);
    expect(said(await rt.send(id, 'red'))).toEqual(['Sorry?', 'Size S, M or L?']);
    expect(said(await rt.send(id, 'black'))).toEqual(['Sorry?', 'Size S, M or L?']);
    expect(said(await rt.send(id, 'white'))).toEqual(['Let me get you a person.', 'Size S, M or L?']);
  });

  it('never counts fallbacks outside a question', async () => {
    const rt = await createRuntime({ bots: [bot({ autoEscalationAfter: 1 })], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'shop' });
    for (const text of ['blah', 'blah blah', 'more blah']) expect(said(await rt.send(id, text))).toEqual(['Sorry?']);
  });

  it('uses the default of 3: the fourth failed answer escalates', async () => {
    const rt = await createRuntime({ bots: [bot()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'order');
    for (const text of ['a', 'b', 'c']) expect(said(await rt.send(id, text))[0]).toBe('Sorry?');
    expect(said(await rt.send(id, 'd'))[0]).toBe('Let me get you a person.');
  });
});

describe('Tango Context lifecycle (spec 1.5)', () => {
  /** A dialog started by `pattern` that transfers to the desk with a Tango Context its pre-process code sets. */
  const handoff = (name: string, pattern: string, preProcess: BotScript): BotDefinition['dialogs'][number] => ({
    name,
    type: 'standard',
    starter: { patterns: [pattern] },
    interactions: [{ type: 'agentTransfer', skill: 'desk', message: 'To the desk.', tangoContext: true, preProcess }],
  });
  const front = (): BotDefinition => ({
    id: 'front',
    skills: ['front'],
    intents: [],
    dialogs: [
      {
        name: 'Parking',
        type: 'standard',
        starter: { patterns: ['parking'] },
        interactions: [
          { type: 'question', text: 'Shall I get the parking desk?', preProcess: (ctx) => ctx.setBotTransferIntentId('parking') },
          { type: 'text', text: 'Fine, no parking desk.' },
        ],
      },
      {
        name: 'Rooms',
        type: 'standard',
        starter: { patterns: ['*room*'] },
        interactions: [{ type: 'agentTransfer', skill: 'desk', message: 'To the desk.', tangoContext: true }],
      },
      handoff('Order', 'overwrite', (ctx) => {
        ctx.setBotTransferIntentbyDomain('Rooms', 'hotel');
        ctx.setBotTangoContextVariable('intentId', 'parking');
      }),
      handoff('Order by domain', 'by domain', (ctx) => {
        ctx.setBotTangoContextVariable('intentId', 'parking');
        ctx.setBotTransferIntentbyDomain('Rooms', 'hotel');
      }),
      {
        name: 'Switching',
        type: 'standard',
        starter: { patterns: ['switching'] },
        interactions: [
          { type: 'question', text: 'Ready?', preProcess: (ctx) => ctx.setBotTransferIntentId('parking') },
          { type: 'agentTransfer', skill: 'desk', message: 'To the desk.', tangoContext: true },
        ],
      },
      { name: 'Hours', type: 'standard', starter: { patterns: ['hours'] }, interactions: [{ type: 'text', text: '9 to 5' }] },
    ],
  });
  const desk = (): BotDefinition => ({
    id: 'desk',
    skills: ['desk'],
    intents: [
      { id: 'parking', name: 'Parking', domain: 'hotel', trainingPhrases: [] },
      { id: 'rooms', name: 'Rooms', domain: 'hotel', trainingPhrases: [] },
    ],
    dialogs: [
      { name: 'Parking', type: 'standard', starter: { intent: 'parking', patterns: ['*parking*'] }, interactions: [{ type: 'text', text: 'Parking desk.' }] },
      { name: 'Rooms', type: 'standard', starter: { intent: 'rooms', patterns: ['*room*'] }, interactions: [{ type: 'text', text: 'Rooms desk.' }] },
    ],
  });

  it('drops a context prepared by a dialog the user left without escalating', async () => {
    const rt = await createRuntime({ bots: [front(), desk()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'front' });
    await rt.send(id, 'parking');
    expect(said(await rt.send(id, 'no thanks'))).toEqual(['Fine, no parking desk.']);
    const events = await rt.send(id, 'book a room');
    const [transfer] = only(events, 'transfer');
    expect(transfer?.context).toEqual({});
    expect(said(events)).toEqual(['To the desk.', 'Rooms desk.']);
  });

  it('drops it when the user switches to another dialog that escalates, and keeps it for the dialog that set it', async () => {
    const rt = await createRuntime({ bots: [front(), desk()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'front' });
    await rt.send(id, 'parking');
    // Context switch from the Parking question to Rooms: Rooms' escalation does not carry Parking's intent.
    const events = await rt.send(id, 'a room please');
    expect(only(events, 'transfer')[0]?.context).toEqual({});
    expect(said(events)).toEqual(['To the desk.', 'Rooms desk.']);

    const other = await rt.startConversation({ botId: 'front' });
    await rt.send(other, 'switching');
    // A dialog on top of the one that set the context, then back: the context is still there for its escalation.
    expect(said(await rt.send(other, 'hours'))).toEqual(['9 to 5', 'Ready?']);
    const back = await rt.send(other, 'yes');
    expect(only(back, 'transfer')[0]?.context).toEqual({ intentId: 'parking' });
    expect(said(back)).toEqual(['To the desk.', 'Parking desk.']);
  });

  it('gives the dialog underneath its context back when the dialog on top fails to escalate at once', async () => {
    const withBroken: BotDefinition = {
      ...front(),
      dialogs: [...front().dialogs, { name: 'Broken', type: 'standard', starter: { patterns: ['broken'] }, interactions: [{ type: 'agentTransfer', skill: '{$botContext.nothing}', message: 'Never sent.', tangoContext: true }] }],
    };
    const rt = await createRuntime({ bots: [withBroken, desk()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'front' });
    await rt.send(id, 'switching');
    const failed = await rt.send(id, 'broken');
    expect(only(failed, 'transfer-failed')[0]).toMatchObject({ stage: 'immediate' });
    const back = await rt.send(id, 'yes');
    expect(only(back, 'transfer')[0]?.context).toEqual({ intentId: 'parking' });
  });

  it('drops the context of the dialogs underneath when skipPreviousDialog ends them', async () => {
    const skipper: BotDefinition = {
      ...front(),
      dialogs: [
        ...front().dialogs,
        { name: 'Skip', type: 'standard', starter: { patterns: ['skip'] }, interactions: [{ type: 'text', text: 'Skipping back.', preProcess: (ctx) => ctx.setBotVariable('skipPreviousDialog', 'true', false) }] },
      ],
    };
    const rt = await createRuntime({ bots: [skipper, desk()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'front' });
    await rt.send(id, 'parking');
    expect(said(await rt.send(id, 'skip'))).toEqual(['Skipping back.']);
    const events = await rt.send(id, 'book a room');
    expect(only(events, 'transfer')[0]?.context).toEqual({});
    expect(said(events)).toEqual(['To the desk.', 'Rooms desk.']);
  });

  it('lets the later setter win: setBotTangoContextVariable after setBotTransferIntentbyDomain, and the reverse', async () => {
    const rt = await createRuntime({ bots: [front(), desk()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'front' });
    const first = await rt.send(id, 'overwrite');
    expect(only(first, 'transfer')[0]?.context).toEqual({ intentId: 'parking' });
    expect(said(first)).toEqual(['To the desk.', 'Parking desk.']);

    const other = await rt.startConversation({ botId: 'front' });
    const second = await rt.send(other, 'by domain');
    expect(only(second, 'transfer')[0]?.context).toEqual({ intentId: 'rooms' });
    expect(said(second)).toEqual(['To the desk.', 'Rooms desk.']);
  });
});

describe('system patterns (spec 3.6)', () => {
  const bot = (): BotDefinition => ({
    id: 'desk',
    skills: ['desk'],
    intents: [],
    dialogs: [
      {
        name: 'Bye',
        type: 'standard',
        starter: { patterns: ['bye'] },
        interactions: [
          { type: 'text', text: 'Goodbye!' },
          { type: 'text', text: 'LP_CLOSEDIALOG' },
          { type: 'text', text: 'never said' },
        ],
      },
      { name: 'Quiet bye', type: 'standard', starter: { patterns: ['quiet'] }, interactions: [{ type: 'text', text: ' LP_CLOSECONVERSATION ' }] },
      {
        name: 'Name',
        type: 'standard',
        starter: { patterns: ['name'] },
        interactions: [
          { type: 'question', text: 'Your first name?', saveAs: 'firstName' },
          { type: 'text', text: 'SET_USER_PROFILE | {"firstName": "{$botContext.firstName}", "lastName": "Lovelace"}' },
          { type: 'text', text: 'Thanks {$botContext.firstName}.' },
        ],
      },
      { name: 'Bad profile', type: 'standard', starter: { patterns: ['bad profile'] }, interactions: [{ type: 'text', text: 'SET_USER_PROFILE | {"firstName": {$botContext.firstName}}' }, { type: 'text', text: 'after' }] },
      { name: 'Wait', type: 'standard', starter: { patterns: ['wait'] }, interactions: [{ type: 'question', text: 'Still there?' }] },
      { name: 'Move', type: 'standard', starter: { patterns: ['move'] }, interactions: [{ type: 'agentTransfer', skill: 'other', message: 'BLANK_MESSAGE', tangoContext: false }] },
      {
        name: 'Receipt',
        type: 'standard',
        starter: { patterns: ['receipt'] },
        interactions: [
          { type: 'question', text: 'Please upload your receipt.', conditions: [{ match: 'pattern', value: 'file_upload_success:*' }, { match: 'pattern', value: 'file_upload_failed:*', next: 'Failed' }] },
          { type: 'text', text: 'Got it.', next: 'end' },
          { type: 'text', name: 'Failed', text: 'The upload failed.' },
        ],
      },
      { name: 'Uploaded', type: 'standard', starter: { patterns: ['file_upload_success:*'] }, interactions: [{ type: 'text', text: 'A file, thanks.' }] },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Sorry?' }] },
    ],
  });

  it('LP_CLOSEDIALOG closes the conversation with a survey: not shown, nothing after it runs, the next message starts afresh', async () => {
    const rt = await createRuntime({ bots: [bot()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'desk' });
    await rt.send(id, 'wait');
    const events = await rt.send(id, 'bye');
    expect(said(events)).toEqual(['Goodbye!']);
    expect(only(events, 'system-command')).toEqual([{ type: 'system-command', conversationId: id, botId: 'desk', dialog: 'Bye', command: 'LP_CLOSEDIALOG' }]);
    expect((await rt.getConversation(id))?.dialogStack).toEqual([]);
    // The question of "Wait" was dropped with the conversation: nothing is asked again.
    expect(said(await rt.send(id, 'hello?'))).toEqual(['Sorry?']);
    const quiet = await rt.send(id, 'quiet');
    expect(said(quiet)).toEqual([]);
    expect(only(quiet, 'system-command')[0]?.command).toBe('LP_CLOSECONVERSATION');
  });

  it('SET_USER_PROFILE | {json} sets the user profile, shows nothing, and survives a transfer; bad JSON is an error event', async () => {
    const other: BotDefinition = { id: 'other', skills: ['other'], intents: [], dialogs: [{ name: 'Hi', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: 'Other here.' }] }] };
    const rt = await createRuntime({ bots: [bot(), other], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'desk' });
    await rt.send(id, 'name');
    const events = await rt.send(id, 'Ada');
    expect(said(events)).toEqual(['Thanks Ada.']);
    expect(only(events, 'system-command')[0]).toMatchObject({ command: 'SET_USER_PROFILE', profile: { firstName: 'Ada', lastName: 'Lovelace' } });
    expect((await rt.getConversation(id))?.userProfile).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
    const bad = await rt.send(id, 'bad profile');
    expect(said(bad)).toEqual(['after']);
    expect(only(bad, 'error')[0]).toMatchObject({ code: 'INVALID_DEFINITION' });
    expect(only(bad, 'error')[0]?.message).toContain('SET_USER_PROFILE needs a JSON object');
    await rt.send(id, 'move');
    expect(await rt.getConversation(id)).toMatchObject({ ownerBotId: 'other', userProfile: { firstName: 'Ada', lastName: 'Lovelace' } });
  });

  it('file_upload_success:<msg> / file_upload_failed:<msg> reach the bot as platform messages: starters and question conditions', async () => {
    const rt = await createRuntime({ bots: [bot()], modules: [scripted] });
    const id = await rt.startConversation({ botId: 'desk' });
    const started = await rt.fileUploaded(id, { success: true, message: 'receipt.pdf' });
    expect(only(started, 'user-message')).toEqual([{ type: 'user-message', conversationId: id, text: 'file_upload_success:receipt.pdf', system: true }]);
    expect(said(started)).toEqual(['A file, thanks.']);
    await rt.send(id, 'receipt');
    expect(said(await rt.fileUploaded(id, { success: false, message: 'too big' }))).toEqual(['The upload failed.']);
    await rt.send(id, 'receipt');
    expect(said(await rt.fileUploaded(id, { success: true, message: 'scan.png' }))).toEqual(['Got it.']);
  });
});

import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { ContextStore, IntentMatcher, type BotContext, type BotDefinition, type ConversationEvent, type Interaction } from '@bottango/core';
import { MemoryContextStore } from '@bottango/store-memory';
import { createRuntime } from './index.js';
import { KeywordIntentMatcher } from './__fixtures__/keyword-matcher.js';
import { splitBotText } from './scripting-support.js';

const keywordMatcher = new ContainerModule(({ bind }) => {
  bind(KeywordIntentMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(KeywordIntentMatcher);
});

type Script = (ctx: BotContext) => Promise<void> | void;

/** A bot whose dialog `Run` (started by "run …") says the bot variable `out` after `script`. */
function scriptBot(script: Script, extra: Partial<BotDefinition> = {}): BotDefinition {
  return {
    id: 'scripted',
    skills: ['scripted'],
    intents: [],
    dialogs: [{ name: 'Run', type: 'standard', starter: { patterns: ['run *', 'run'] }, interactions: [{ type: 'text', text: '{$botContext.out}', preProcess: script }] }],
    ...extra,
  };
}

/** A receiver on skill `skill` whose every dialog says `out` after `script`. */
function receiverBot(id: string, skill: string, script: Script = () => undefined): BotDefinition {
  return {
    id,
    skills: [skill],
    intents: [],
    dialogs: [
      { name: 'Any', type: 'standard', starter: { patterns: ['*'] }, interactions: [{ type: 'text', text: `${id}: {$botContext.out}`, preProcess: script }] },
    ],
  };
}

/** A sender on skill `front` that escalates to `skill` when the user says "transfer". */
function senderBot(transfer: Partial<Extract<Interaction, { type: 'agentTransfer' }>> = {}, script?: Script): BotDefinition {
  return {
    id: 'sender',
    skills: ['front'],
    intents: [],
    dialogs: [
      {
        name: 'Escalate',
        type: 'standard',
        starter: { patterns: ['transfer *', 'transfer'] },
        interactions: [{ type: 'agentTransfer', skill: 'orders', message: 'BLANK_MESSAGE', tangoContext: false, ...(script ? { preProcess: script } : {}), ...transfer }],
      },
    ],
  };
}

function said(events: readonly ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'bot-message' ? [e.text] : []));
}

describe('botContext: era 2 setBotTransferDomainName / setBotTransferIntentName', () => {
  const receiver: BotDefinition = {
    id: 'receiver',
    skills: ['orders'],
    intents: [{ id: 'o-17', name: 'order status', domain: 'orders', trainingPhrases: ['where is my order'] }],
    dialogs: [
      { name: 'Status', type: 'standard', starter: { intent: 'o-17' }, interactions: [{ type: 'text', text: 'On its way.' }] },
      { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'receiver fallback' }] },
    ],
  };

  it('resolves the intent from the two halves at transfer time, whatever their order', async () => {
    for (const script of [
      (ctx: BotContext) => (ctx.setBotTransferDomainName('orders'), ctx.setBotTransferIntentName('order status')),
      (ctx: BotContext) => (ctx.setBotTransferIntentName('order status'), ctx.setBotTransferDomainName('orders')),
    ]) {
      const rt = await createRuntime({ bots: [senderBot({ tangoContext: true }, script), receiver], modules: [keywordMatcher] });
      const id = await rt.startConversation({ botId: 'sender' });
      const events = await rt.send(id, 'transfer please');
      expect(events.find((e) => e.type === 'transfer')).toMatchObject({ context: { intentId: 'o-17' } });
      expect(said(events)).toEqual(['On its way.']);
    }
  });

  it('follows the setters-overwrite rule with setBotTransferIntentId: the later of the two wins (the pair counts once complete)', async () => {
    const cases: [(ctx: BotContext) => void, string][] = [
      [(ctx) => (ctx.setBotTransferIntentId('o-99'), ctx.setBotTransferDomainName('orders'), ctx.setBotTransferIntentName('order status')), 'o-17'],
      [(ctx) => (ctx.setBotTransferDomainName('orders'), ctx.setBotTransferIntentName('order status'), ctx.setBotTransferIntentId('o-99')), 'o-99'],
      [(ctx) => (ctx.setBotTransferDomainName('orders'), ctx.setBotTransferIntentId('o-99')), 'o-99'],
    ];
    for (const [script, intentId] of cases) {
      const rt = await createRuntime({ bots: [senderBot({ tangoContext: true }, script), receiver], modules: [keywordMatcher] });
      const id = await rt.startConversation({ botId: 'sender' });
      expect((await rt.send(id, 'transfer please')).find((e) => e.type === 'transfer')).toMatchObject({ context: { intentId } });
    }
    // A complete pair replaces the earlier intent ID even when it names no intent (as setBotTransferIntentbyDomain does).
    const rt = await createRuntime({
      bots: [senderBot({ tangoContext: true }, (ctx) => (ctx.setBotTransferIntentId('o-17'), ctx.setBotTransferIntentName('no such intent'), ctx.setBotTransferDomainName('orders'))), receiver],
      modules: [keywordMatcher],
    });
    const id = await rt.startConversation({ botId: 'sender' });
    const transfer = (await rt.send(id, 'transfer please')).find((e) => e.type === 'transfer');
    expect(transfer && 'context' in transfer ? transfer.context?.intentId : 'no transfer').toBeUndefined();
  });

  it('sends no intent when only one half is set', async () => {
    const rt = await createRuntime({ bots: [senderBot({ tangoContext: true }, (ctx) => ctx.setBotTransferIntentName('order status')), receiver], modules: [keywordMatcher] });
    const id = await rt.startConversation({ botId: 'sender' });
    const transfer = (await rt.send(id, 'transfer please')).find((e) => e.type === 'transfer');
    expect(transfer && 'context' in transfer ? transfer.context?.intentId : 'no transfer').toBeUndefined();
  });
});

describe('botContext: previous skill and bot (getLPEngagementAttribute), and the transcript that travelled', () => {
  it('tells the receiver the skill and bot the conversation came from, and the sender its own skill', async () => {
    const attributes = (ctx: BotContext): string =>
      ['currentSkillId', 'previousSkillId', 'previousBotId', 'currentBotId', 'agentName'].map((n) => `${n}=${ctx.getLPEngagementAttribute(n) ?? '-'}`).join(' ');
    const rt = await createRuntime({
      bots: [
        senderBot({}, (ctx) => ctx.printDebugMessage('x')),
        receiverBot('receiver', 'orders', (ctx) => ctx.setBotVariable('out', `${attributes(ctx)} | ${ctx.getPreviousSkill() ?? '-'} ${ctx.getPreviousBotId() ?? '-'}`)),
        scriptBot((ctx) => ctx.setBotVariable('out', attributes(ctx))),
      ],
    });
    const direct = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(direct, 'run'))).toEqual(['currentSkillId=scripted previousSkillId=- previousBotId=- currentBotId=scripted agentName=-']);
    const id = await rt.startConversation({ botId: 'sender' });
    expect(said(await rt.send(id, 'transfer me'))).toEqual(['receiver: currentSkillId=orders previousSkillId=front previousBotId=sender currentBotId=receiver agentName=- | front sender']);
    expect(await rt.getConversation(id)).toMatchObject({ skill: 'orders', transferredFrom: { botId: 'sender', skill: 'front' } });
  });

  it('gives the receiver a read-only copy of the transcript the transfer carried', async () => {
    let seen: readonly { from: string; text: string }[] = [];
    let mutation = '';
    const rt = await createRuntime({
      bots: [
        {
          id: 'sender',
          skills: ['front'],
          intents: [],
          dialogs: [
            { name: 'Hello', type: 'standard', starter: { patterns: ['hello'] }, interactions: [{ type: 'text', text: 'Hi, how can I help?' }] },
            { name: 'Escalate', type: 'standard', starter: { patterns: ['transfer *'] }, interactions: [{ type: 'agentTransfer', skill: 'orders', message: 'Transferring you.', tangoContext: false }] },
          ],
        },
        receiverBot('receiver', 'orders', (ctx) => {
          const transcript = ctx.getTransferTranscript();
          seen = transcript;
          try {
            (transcript as { text: string }[]).push({ text: 'x' });
          } catch (error) {
            mutation = (error as Error).constructor.name;
          }
          ctx.setBotVariable('out', String(transcript.length));
        }),
      ],
    });
    const id = await rt.startConversation({ botId: 'sender' });
    await rt.send(id, 'hello');
    expect(said(await rt.send(id, 'transfer me please'))).toEqual(['Transferring you.', 'receiver: 4']);
    expect(seen.map((e) => `${e.from}: ${e.text}`)).toEqual(['user: hello', 'bot: Hi, how can I help?', 'user: transfer me please', 'bot: Transferring you.']);
    expect(mutation).toBe('TypeError');
    // The conversation's own transcript goes on; the copy that travelled stays as it was.
    await rt.send(id, 'more');
    const state = await rt.getConversation(id);
    expect(state?.transferredFrom?.transcript).toHaveLength(4);
    expect(state?.transcript.length).toBeGreaterThan(4);
  });

  it('returns an empty transcript when no transfer brought the conversation', async () => {
    const rt = await createRuntime({ bots: [scriptBot((ctx) => ctx.setBotVariable('out', `[${ctx.getTransferTranscript().length}]`))] });
    const id = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(id, 'run'))).toEqual(['[0]']);
  });
});

describe('botContext.getEnvVariable', () => {
  const bot = scriptBot((ctx) => ctx.setBotVariable('out', ['SKILL', 'REGION', 'MISSING', 'toString'].map((n) => `${n}=${String(ctx.getEnvVariable(n))}`).join(' ')), {
    environment: { SKILL: '12345', REGION: 'eu' },
  });

  it("reads the bot's environment section, and null for a name it lacks", async () => {
    const rt = await createRuntime({ bots: [bot] });
    const id = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(id, 'run'))).toEqual(['SKILL=12345 REGION=eu MISSING=null toString=null']);
  });

  it("lets the runtime's environment option override the bot file", async () => {
    const rt = await createRuntime({ bots: [bot], environment: { REGION: 'us', MISSING: 'now set' } });
    const id = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(id, 'run'))).toEqual(['SKILL=12345 REGION=us MISSING=now set toString=null']);
  });
});

describe('text responses: the 320-character split and setAllowMaxTextResponse', () => {
  it('splits on word boundaries into parts of at most 320 characters', () => {
    const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const parts = splitBotText(words);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(320);
    expect(parts.join(' ')).toBe(words);
    expect(splitBotText('short')).toEqual(['short']);
    expect(splitBotText('x'.repeat(700))).toEqual(['x'.repeat(320), 'x'.repeat(320), 'x'.repeat(60)]);
    expect(splitBotText('a'.repeat(320))).toEqual(['a'.repeat(320)]);
  });

  const long = `${'lorem ipsum '.repeat(40)}end`;

  it('sends a long text interaction as several messages', async () => {
    const rt = await createRuntime({ bots: [scriptBot((ctx) => ctx.setBotVariable('out', long))] });
    const id = await rt.startConversation({ botId: 'scripted' });
    const messages = said(await rt.send(id, 'run'));
    expect(messages).toHaveLength(2);
    expect(messages.join(' ')).toBe(long);
    expect(messages[0]?.length).toBeLessThanOrEqual(320);
  });

  it('sends it whole after setAllowMaxTextResponse(true), for the rest of the conversation', async () => {
    const rt = await createRuntime({
      bots: [
        scriptBot((ctx) => {
          if (ctx.getCurrentUserMessage() === 'run whole') ctx.setAllowMaxTextResponse(true);
          ctx.setBotVariable('out', long);
        }),
      ],
    });
    const id = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(id, 'run whole'))).toEqual([long]);
    expect(said(await rt.send(id, 'run again'))).toEqual([long]);
  });

  it('splits a long question again when it is asked again after context switching', async () => {
    const question = `${'please tell me your order number '.repeat(12)}now?`;
    const rt = await createRuntime({
      bots: [
        {
          id: 'shop',
          skills: [],
          intents: [],
          dialogs: [
            { name: 'Order', type: 'standard', starter: { patterns: ['order'] }, interactions: [{ type: 'question', text: question }] },
            { name: 'Hours', type: 'standard', starter: { patterns: ['hours'] }, interactions: [{ type: 'text', text: 'We open at 9.' }] },
          ],
        },
      ],
    });
    const id = await rt.startConversation({ botId: 'shop' });
    expect(said(await rt.send(id, 'order'))).toHaveLength(2);
    const again = said(await rt.send(id, 'hours'));
    expect(again).toHaveLength(3);
    expect(again.slice(1).join(' ')).toBe(question);
  });

  it('does not split a transfer message', async () => {
    const message = 'please wait '.repeat(40).trim();
    const rt = await createRuntime({ bots: [senderBot({ message }), receiverBot('receiver', 'orders')] });
    const id = await rt.startConversation({ botId: 'sender' });
    expect(said(await rt.send(id, 'transfer'))[0]).toBe(message);
  });
});

describe('skipPreviousDialog and setTriggerNextMessage', () => {
  function orderBot(hoursScript?: Script): BotDefinition {
    return {
      id: 'shop',
      skills: ['shop'],
      intents: [],
      dialogs: [
        {
          name: 'Order',
          type: 'standard',
          starter: { patterns: ['order'] },
          interactions: [
            { type: 'question', text: 'Your order number?', saveAs: 'order' },
            { type: 'text', text: 'Order {$botContext.order} found.' },
          ],
        },
        { name: 'Hours', type: 'standard', starter: { patterns: ['hours'] }, interactions: [{ type: 'text', text: 'We open at 9.', ...(hoursScript ? { preProcess: hoursScript } : {}) }] },
        { name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'Sorry?' }] },
      ],
    };
  }

  it('without it, a dialog that ends returns to the question underneath', async () => {
    const rt = await createRuntime({ bots: [orderBot()] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'order');
    expect(said(await rt.send(id, 'hours'))).toEqual(['We open at 9.', 'Your order number?']);
    expect(said(await rt.send(id, '42'))).toEqual(['Order 42 found.']);
  });

  it("with the bot variable skipPreviousDialog 'true', the dialogs underneath are dropped", async () => {
    const rt = await createRuntime({ bots: [orderBot((ctx) => ctx.setBotVariable('skipPreviousDialog', 'true', true, false))] });
    const id = await rt.startConversation({ botId: 'shop' });
    await rt.send(id, 'order');
    expect(said(await rt.send(id, 'hours'))).toEqual(['We open at 9.']);
    expect((await rt.getConversation(id))?.dialogStack).toEqual([]);
    expect(said(await rt.send(id, '42'))).toEqual(['Sorry?']);
  });

  it('setTriggerNextMessage jumps to the named interaction from post-process and process-user-response code, and reports an unknown name', async () => {
    const rt = await createRuntime({
      bots: [
        {
          id: 'jumper',
          skills: [],
          intents: [],
          dialogs: [
            {
              name: 'Jump',
              type: 'standard',
              starter: { patterns: ['jump'] },
              interactions: [
                { type: 'text', text: 'one', postProcess: (ctx) => ctx.setTriggerNextMessage('Ask') },
                { type: 'text', text: 'skipped' },
                {
                  type: 'question',
                  name: 'Ask',
                  text: 'yes or no?',
                  processUserResponse: (ctx) => ctx.setTriggerNextMessage(ctx.getCurrentUserMessage() === 'yes' ? 'Yes' : 'Nowhere'),
                },
                { type: 'text', text: 'no path', next: 'end' },
                { type: 'text', name: 'Yes', text: 'yes path' },
              ],
            },
          ],
        },
      ],
    });
    const id = await rt.startConversation({ botId: 'jumper' });
    expect(said(await rt.send(id, 'jump'))).toEqual(['one', 'yes or no?']);
    expect(said(await rt.send(id, 'yes'))).toEqual(['yes path']);
    await rt.send(id, 'jump');
    const events = await rt.send(id, 'maybe');
    expect(events.find((e) => e.type === 'error')).toMatchObject({ code: 'INVALID_DEFINITION', message: 'dialog "Jump" has no interaction "Nowhere"' });
    expect(said(events)).toEqual(['no path']);
  });
  it("drops a setTriggerNextMessage made in a question's pre-process code once the question waits", async () => {
    const rt = await createRuntime({
      bots: [
        {
          id: 'asker',
          skills: [],
          intents: [],
          dialogs: [
            {
              name: 'Ask',
              type: 'standard',
              starter: { patterns: ['ask'] },
              interactions: [
                { type: 'question', text: 'name?', preProcess: (ctx) => ctx.setTriggerNextMessage('Last') },
                { type: 'text', text: 'following' },
                { type: 'text', name: 'Last', text: 'last' },
              ],
            },
          ],
        },
      ],
    });
    const id = await rt.startConversation({ botId: 'asker' });
    expect(said(await rt.send(id, 'ask'))).toEqual(['name?']);
    expect(said(await rt.send(id, 'Ada'))).toEqual(['following', 'last']);
  });
});

describe('persistForever bot variables', () => {
  it("keep a value for the same user and bot in later conversations, not for other users or bots", async () => {
    const remember: Script = (ctx) => {
      const seen = ctx.getBotVariable('lang') ?? 'unset';
      if (ctx.getCurrentUserMessage() === 'run set') ctx.setBotVariable('lang', 'fr', true, true);
      ctx.setBotVariable('out', seen);
    };
    const rt = await createRuntime({
      bots: [scriptBot(remember), { ...scriptBot(remember), id: 'other', skills: ['other'] }, { ...scriptBot(remember), id: 'scripted/x', skills: ['x'] }],
    });
    const first = await rt.startConversation({ botId: 'scripted', userId: 'ada' });
    expect(said(await rt.send(first, 'run set'))).toEqual(['unset']);
    expect(said(await rt.send(first, 'run'))).toEqual(['fr']);
    const later = await rt.startConversation({ botId: 'scripted', userId: 'ada' });
    expect(said(await rt.send(later, 'run'))).toEqual(['fr']);
    const otherUser = await rt.startConversation({ botId: 'scripted', userId: 'bob' });
    expect(said(await rt.send(otherUser, 'run'))).toEqual(['unset']);
    const otherBot = await rt.startConversation({ botId: 'other', userId: 'ada' });
    expect(said(await rt.send(otherBot, 'run'))).toEqual(['unset']);
    // A bot whose ID starts like another's, with a slash, does not see its variables either.
    const slashBot = await rt.startConversation({ botId: 'scripted/x', userId: 'ada' });
    await rt.send(slashBot, 'run set');
    expect(said(await rt.send(await rt.startConversation({ botId: 'scripted', userId: 'ada' }), 'run'))).toEqual(['fr']);
    const variables = await rt.store.getAll('__bottango_bot_variables', { kind: 'user', userId: 'ada' });
    expect(Object.keys(variables).sort()).toEqual(['10:scripted/x/lang', '8:scripted/lang']);
  });
});

describe('Agent Id on an agent transfer', () => {
  const bots = (agentId: string): BotDefinition[] => [senderBot({ agentId }), receiverBot('r1', 'orders'), receiverBot('r2', 'orders')];

  it('goes to that agent when it holds the skill and is available', async () => {
    const rt = await createRuntime({ bots: bots('r2') });
    const id = await rt.startConversation({ botId: 'sender' });
    expect((await rt.send(id, 'transfer')).find((e) => e.type === 'transfer')).toMatchObject({ toBotId: 'r2' });
  });

  it('may use a bot variable', async () => {
    const rt = await createRuntime({ bots: [senderBot({ agentId: '{$botContext.agent}' }, (ctx) => ctx.setBotVariable('agent', 'r2')), receiverBot('r1', 'orders'), receiverBot('r2', 'orders')] });
    const id = await rt.startConversation({ botId: 'sender' });
    expect((await rt.send(id, 'transfer')).find((e) => e.type === 'transfer')).toMatchObject({ toBotId: 'r2' });
  });

  it('goes to the skill when the agent is unavailable or does not hold the skill', async () => {
    for (const [agentId, setUp] of [
      ['r2', (rt: Awaited<ReturnType<typeof createRuntime>>) => rt.setAgentStatus('r2', { connected: false })],
      ['r2', (rt: Awaited<ReturnType<typeof createRuntime>>) => rt.setAgentStatus('r2', { acceptsTransfers: false })],
      ['nobody', () => undefined],
    ] as const) {
      const rt = await createRuntime({ bots: bots(agentId) });
      setUp(rt);
      const id = await rt.startConversation({ botId: 'sender' });
      expect((await rt.send(id, 'transfer')).find((e) => e.type === 'transfer')).toMatchObject({ toBotId: 'r1' });
    }
  });
});

describe("Global Functions' initConversation", () => {
  it('runs once when the conversation begins for a bot: before its first message, and when a transfer brings it', async () => {
    const counter = (ctx: BotContext): void => ctx.setBotVariable('inits', String(Number(ctx.getBotVariable('inits') ?? '0') + 1));
    const sender: BotDefinition = {
      ...senderBot(),
      dialogs: [...senderBot().dialogs, { name: 'Count', type: 'standard', starter: { patterns: ['count'] }, interactions: [{ type: 'text', text: 'inits {$botContext.inits}' }] }],
      globalFunctions: { initConversation: counter },
    };
    const receiver: BotDefinition = { ...receiverBot('receiver', 'orders', (ctx) => ctx.setBotVariable('out', `inits ${ctx.getBotVariable('inits') ?? 0}`)), globalFunctions: { initConversation: counter } };
    const rt = await createRuntime({ bots: [sender, receiver] });
    const id = await rt.startConversation({ botId: 'sender' });
    expect(said(await rt.send(id, 'count'))).toEqual(['inits 1']);
    expect(said(await rt.send(id, 'count'))).toEqual(['inits 1']);
    expect(said(await rt.send(id, 'transfer'))).toEqual(['receiver: inits 1']);
    expect(said(await rt.send(id, 'again'))).toEqual(['receiver: inits 1']);
  });

  it('reports a failing initConversation as a script error and goes on', async () => {
    const rt = await createRuntime({
      bots: [scriptBot((ctx) => ctx.setBotVariable('out', 'ran'), { globalFunctions: { initConversation: () => Promise.reject(new Error('boom')) } })],
    });
    const id = await rt.startConversation({ botId: 'scripted' });
    const events = await rt.send(id, 'run');
    expect(events.find((e) => e.type === 'error')).toMatchObject({ code: 'SCRIPT_FAILED', message: 'initConversation script failed: boom' });
    expect(said(events)).toEqual(['ran']);
  });
});

describe('Context Session Store: a session TTL (setContextTtlForConversation / setContextTtlForUser)', () => {
  const storeModule = (store: ContextStore): ContainerModule => new ContainerModule(({ bind }) => void bind(ContextStore).toConstantValue(store));

  it("gives the conversation's (or the user's) session its own TTL over the namespace's, for later writes", async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = new MemoryContextStore({ now: () => now });
    const rt = await createRuntime({
      bots: [
        scriptBot(async (ctx) => {
          if (ctx.getCurrentUserMessage() === 'run write') {
            const results = [
              await ctx.registerContextNamespace('shop', 3600),
              await ctx.setContextDataForConversation('shop', 'before', 'kept'),
              await ctx.setContextTtlForConversation('shop', 60),
              await ctx.setContextTtlForUser('shop', 0),
              await ctx.setContextDataForConversation('shop', 'after', 'expires'),
              await ctx.setContextDataForUser('shop', 'name', 'kept'),
              await ctx.setContextTtlForConversation('unknown', 60),
              await ctx.setContextTtlForConversation('shop', -1),
            ];
            ctx.setBotVariable('out', results.join(','));
          } else {
            ctx.setBotVariable('out', JSON.stringify([await ctx.getContextDataForConversation('shop'), await ctx.getContextDataForUser('shop')]));
          }
        }),
      ],
      modules: [storeModule(store)],
    });
    const id = await rt.startConversation({ botId: 'scripted', userId: 'ada' });
    expect(said(await rt.send(id, 'run write'))).toEqual(['true,true,true,true,true,true,false,false']);
    now += 61_000;
    expect(said(await rt.send(id, 'run read'))).toEqual(['[{"before":"kept"},{"name":"kept"}]']);
    now += 3600_000;
    expect(said(await rt.send(id, 'run read'))).toEqual(['[{},{"name":"kept"}]']);
    await rt.close();
  });

  it('returns false (with a warning) when the store cannot give a session a TTL', async () => {
    const inner = new MemoryContextStore();
    const names = ['registerNamespace', 'getNamespace', 'deleteNamespace', 'get', 'set', 'delete', 'getAll', 'deleteAll', 'close'] as const;
    const limited = Object.fromEntries([...names.map((n) => [n, (inner[n] as (...args: unknown[]) => unknown).bind(inner)]), ['capabilities', inner.capabilities]]) as unknown as ContextStore;
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
    const rt = await createRuntime({
      bots: [scriptBot(async (ctx) => ctx.setBotVariable('out', String([await ctx.registerContextNamespace('shop'), await ctx.setContextTtlForUser('shop', 60)])))],
      modules: [storeModule(limited)],
      logger,
    });
    const id = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(id, 'run'))).toEqual(['true,false']);
    expect(warnings.join('\n')).toContain('botContext.setContextTtlForUser failed: this context store cannot give a session its own TTL');
    await rt.close();
  });
});

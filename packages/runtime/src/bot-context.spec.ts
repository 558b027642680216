import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { IntentMatcher, type BotContext, type BotDefinition, type ConversationEvent } from '@bottango/core';
import { createRuntime } from './index.js';
import { KeywordIntentMatcher } from './__fixtures__/keyword-matcher.js';

const keywordMatcher = new ContainerModule(({ bind }) => {
  bind(KeywordIntentMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(KeywordIntentMatcher);
});

/** One bot whose single dialog runs `script` and reports what it saw through the bot variable `out`. */
function scriptBot(script: (ctx: BotContext) => Promise<void> | void, extra: Partial<BotDefinition> = {}): BotDefinition {
  return {
    id: 'scripted',
    skills: ['scripted'],
    intents: [],
    dialogs: [{ name: 'Run', type: 'standard', starter: { patterns: ['run *'] }, interactions: [{ type: 'text', text: '{$botContext.out}', preProcess: script }] }],
    ...extra,
  };
}

function said(events: ConversationEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'bot-message' ? [e.text] : []));
}

describe('botContext: Context Session Store functions', () => {
  it('registers a namespace, writes and reads each scope, and lists and clears session scopes', async () => {
    const rt = await createRuntime({
      bots: [
        scriptBot(async (ctx) => {
          const results = [
            await ctx.registerContextNamespace('shop', 3600),
            await ctx.setGlobalContextData('shop', 'openToday', true),
            await ctx.setContextDataForUser('shop', 'name', 'Ada'),
            await ctx.setContextDataForConversation('shop', 'cart', { items: 2 }),
            await ctx.setContextDataForConversation('shop', 'coupon', 'X1'),
          ];
          const all = await ctx.getContextDataForConversation('shop');
          const deleted = await ctx.deleteAllContextDataForConversation('shop');
          const after = await ctx.getContextDataForConversation('shop');
          ctx.setBotVariable('out', JSON.stringify({ results, all, deleted, after, global: await ctx.getGlobalContextData('shop', 'openToday') }));
        }),
      ],
    });
    const id = await rt.startConversation({ botId: 'scripted', userId: 'u1' });
    const out = JSON.parse(said(await rt.send(id, 'run it'))[0] as string) as Record<string, unknown>;
    expect(out).toEqual({ results: [true, true, true, true, true], all: { cart: { items: 2 }, coupon: 'X1' }, deleted: true, after: {}, global: true });
  });

  it('shares user scope across conversations of one user, and not with another user', async () => {
    const rt = await createRuntime({
      bots: [
        scriptBot(async (ctx) => {
          await ctx.registerContextNamespace('prefs');
          const seen = await ctx.getContextDataForUser('prefs', 'lang');
          if (seen === undefined) await ctx.setContextDataForUser('prefs', 'lang', `set by ${ctx.getConversationId().slice(0, 2)}`);
          ctx.setBotVariable('out', String(seen ?? 'nothing yet'));
        }),
      ],
    });
    const a1 = await rt.startConversation({ botId: 'scripted', userId: 'alice', conversationId: 'a1' });
    const a2 = await rt.startConversation({ botId: 'scripted', userId: 'alice', conversationId: 'a2' });
    const b1 = await rt.startConversation({ botId: 'scripted', userId: 'bob', conversationId: 'b1' });
    expect(said(await rt.send(a1, 'run'))).toEqual(['nothing yet']);
    expect(said(await rt.send(a2, 'run'))).toEqual(['set by a1']);
    expect(said(await rt.send(b1, 'run'))).toEqual(['nothing yet']);
  });

  it('returns false (never throws) for a reserved namespace, an unregistered one, or a value that is not JSON', async () => {
    const rt = await createRuntime({
      bots: [
        scriptBot(async (ctx) => {
          const results = [
            await ctx.registerContextNamespace('conversation'),
            await ctx.registerContextNamespace('bad-name!'),
            await ctx.setContextDataForConversation('neverRegistered', 'x', 1),
            await ctx.registerContextNamespace('ok'),
            await ctx.setContextDataForConversation('ok', 'fn', (() => 1) as unknown as number),
            await ctx.deleteContextDataForConversation('ok', 'missing'),
          ];
          ctx.setBotVariable('out', results.join(','));
        }),
      ],
    });
    const id = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(id, 'run'))).toEqual(['false,false,false,true,false,false']);
  });
});

describe('botContext: transfer context and other functions', () => {
  it('rejects an unknown setBotTangoContextVariable key with a script error naming the accepted keys', async () => {
    const rt = await createRuntime({ bots: [scriptBot((ctx) => ctx.setBotTangoContextVariable('intent_name', 'x'))] });
    const id = await rt.startConversation({ botId: 'scripted' });
    const error = (await rt.send(id, 'run')).find((e) => e.type === 'error');
    expect(error).toMatchObject({ code: 'SCRIPT_FAILED' });
    expect(error && 'message' in error ? error.message : '').toContain('unknown key "intent_name"; use "intentId" or "userMessage"');
  });

  it('resolves setBotTransferIntentbyDomain to the intent ID at transfer time, and getDialogStarterIntent gives the intent name', async () => {
    const sender: BotDefinition = {
      id: 'sender',
      skills: ['front'],
      intents: [{ id: 'front.help', name: 'get help', trainingPhrases: ['i need help with my order', 'help me please'] }],
      dialogs: [
        {
          name: 'Help',
          type: 'standard',
          starter: { intent: 'front.help' },
          interactions: [
            { type: 'text', text: 'starter intent: {$botContext.starter}', preProcess: (ctx) => ctx.setBotVariable('starter', ctx.getDialogStarterIntent() ?? 'none') },
            {
              type: 'agentTransfer',
              skill: 'orders',
              message: 'BLANK_MESSAGE',
              tangoContext: true,
              preProcess: (ctx) => ctx.setBotTransferIntentbyDomain('order status', 'orders'),
            },
          ],
        },
      ],
    };
    const receiver: BotDefinition = {
      id: 'receiver',
      skills: ['orders'],
      intents: [{ id: 'o-17', name: 'order status', domain: 'orders', trainingPhrases: ['where is my order'] }],
      dialogs: [{ name: 'Status', type: 'standard', starter: { intent: 'o-17' }, interactions: [{ type: 'text', text: 'On its way.' }] }],
    };
    const rt = await createRuntime({ bots: [sender, receiver], modules: [keywordMatcher] });
    const id = await rt.startConversation({ botId: 'sender' });
    const events = await rt.send(id, 'help me please');
    expect(events.find((e) => e.type === 'transfer')).toMatchObject({ context: { intentId: 'o-17' } });
    expect(said(events)).toEqual(['starter intent: get help', 'On its way.']);
  });

  it('keeps request-scope variables for one turn only', async () => {
    const bot = scriptBot((ctx) => {
      const before = ctx.getBotVariable('temp') ?? 'unset';
      ctx.setBotVariable('temp', 'x', false, false);
      ctx.setBotVariable('out', `${before}/${ctx.getBotVariable('temp')}`);
    });
    const rt = await createRuntime({ bots: [bot] });
    const id = await rt.startConversation({ botId: 'scripted' });
    expect(said(await rt.send(id, 'run'))).toEqual(['unset/x']);
    expect(said(await rt.send(id, 'run'))).toEqual(['unset/x']);
  });
});

import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { IntentMatcher, type BotDefinition, type ConversationEvent } from '@bottango/core';
import { createRuntime } from './index.js';
import { KeywordIntentMatcher } from './__fixtures__/keyword-matcher.js';

const keywordMatcher = new ContainerModule(({ bind }) => {
  bind(KeywordIntentMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(KeywordIntentMatcher);
});

function bot(id: string, intents: [string, string[]][], patterns: string[] = []): BotDefinition {
  return {
    id,
    skills: [id],
    group: 'support',
    intents: intents.map(([intentId, phrases]) => ({ id: intentId, name: intentId, trainingPhrases: phrases })),
    dialogs: [
      ...intents.map(([intentId]) => ({ name: `${intentId} dialog`, type: 'standard' as const, starter: { intent: intentId }, interactions: [{ type: 'text' as const, text: `${id} handles ${intentId}` }] })),
      ...patterns.map((p, i) => ({ name: `pattern ${i}`, type: 'standard' as const, starter: { patterns: [p] }, interactions: [{ type: 'text' as const, text: `${id} pattern ${p}` }] })),
      { name: 'Fallback', type: 'fallback' as const, interactions: [{ type: 'text' as const, text: `${id} fallback` }] },
    ],
  };
}

const front: BotDefinition = { ...bot('front', []), dialogs: [{ name: 'Fallback', type: 'fallback', interactions: [{ type: 'text', text: 'front fallback' }] }] };
const orders = bot('orders', [['orders.status', ['where is my order', 'track my parcel']]]);
const devices = bot('devices', [], ['*printer*']);
const payments = bot('payments', [['payments.pay', ['pay my bill', 'make a payment']]], ['*printer*']);

async function groupRuntime(bots: BotDefinition[], collaboration = true) {
  return createRuntime({ bots, groups: [{ id: 'support', collaboration, transferMessage: 'Bringing in the right team.' }], modules: [keywordMatcher] });
}

function types(events: ConversationEvent[]): string[] {
  return events.map((e) => (e.type === 'bot-message' ? `${e.botId}: ${e.text}` : e.type));
}

describe('bot groups', () => {
  it('transfers automatically to the bot whose intent matches, with intent and message in the Tango Context', async () => {
    const rt = await groupRuntime([front, orders, devices]);
    const id = await rt.startConversation({ botId: 'front' });
    const events = await rt.send(id, 'where is my order');
    const transfer = events.find((e) => e.type === 'transfer');
    expect(transfer).toMatchObject({ fromBotId: 'front', toBotId: 'orders', automatic: true, context: { intentId: 'orders.status', userMessage: 'where is my order' } });
    expect(types(events)).toContain('orders: orders handles orders.status');
    expect(types(events)[1]).toBe('front: Bringing in the right team.');
  });

  it('prefers a pattern match in any bot over an intent match', async () => {
    const rt = await groupRuntime([front, orders, devices]);
    const id = await rt.startConversation({ botId: 'front' });
    const events = await rt.send(id, 'where is my order for the printer');
    expect(events.find((e) => e.type === 'transfer')).toMatchObject({ toBotId: 'devices', context: { userMessage: 'where is my order for the printer' } });
  });

  it("falls back in the current bot when no bot of the group matches", async () => {
    const rt = await groupRuntime([front, orders, devices]);
    const id = await rt.startConversation({ botId: 'front' });
    expect(types(await rt.send(id, 'sing me a song'))).toEqual(['user-message', 'fallback', 'dialog-started', 'front: front fallback', 'dialog-ended']);
  });

  it('skips a matching bot that is not connected', async () => {
    const rt = await groupRuntime([front, orders, devices]);
    rt.setAgentStatus('devices', { connected: false });
    const id = await rt.startConversation({ botId: 'front' });
    const events = await rt.send(id, 'printer broken');
    expect(events.some((e) => e.type === 'transfer')).toBe(false);
    expect(events.find((e) => e.type === 'fallback')).toMatchObject({ botId: 'front' });
  });

  it('does nothing automatic when collaboration is off', async () => {
    const rt = await groupRuntime([front, orders, devices], false);
    const id = await rt.startConversation({ botId: 'front' });
    const events = await rt.send(id, 'where is my order');
    expect(events.some((e) => e.type === 'transfer')).toBe(false);
  });

  it('reports overlapping patterns and intents in the group check, and warns past 15 bots', async () => {
    const ordersWithPayments = bot('orders2', [['orders2.pay', ['pay my bill now', 'make a payment today']]]);
    const rt = await groupRuntime([front, orders, devices, payments, ordersWithPayments]);
    const report = rt.checkGroup('support');
    expect(report.overlaps).toContainEqual(expect.objectContaining({ kind: 'same-pattern', botA: 'devices', botB: 'payments', a: '*printer*' }));
    expect(report.overlaps).toContainEqual(expect.objectContaining({ kind: 'intent-overlap', botA: 'orders2', botB: 'payments', a: 'orders2.pay', b: 'payments.pay' }));
    expect(report.warnings).toEqual([]);
    const many = Array.from({ length: 16 }, (_, i) => bot(`b${i}`, []));
    const big = await groupRuntime(many);
    expect(big.checkGroup('support').warnings[0]).toContain('16 bots; at most 15 are recommended');
  });

  it('ranks candidates with the runner-up and bands for the routing tool', async () => {
    const rt = await groupRuntime([front, orders, payments]);
    const { rankGroupCandidates } = await import('./index.js');
    const ranked = rankGroupCandidates(rt.groupMembers('support'), 'where is my order');
    expect(ranked[0]).toMatchObject({ botId: 'orders', by: 'intent', intentId: 'orders.status', eligible: true, band: 'VERY_GOOD' });
    expect(ranked[1]).toMatchObject({ botId: 'payments', eligible: false });
  });
});

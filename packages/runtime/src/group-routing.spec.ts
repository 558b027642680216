import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { injectable } from 'inversify';
import { IntentMatcher, type BotDefinition, type ConversationEvent, type IntentClassifier, type IntentDefinition } from '@bottango/core';
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

/** Scores are shares of the keyword score over all trained intents, like a softmax: they depend on what was trained together. */
@injectable()
class SharedScoreMatcher extends KeywordIntentMatcher {
  override readonly id = 'shared';
  override async train(intents: readonly IntentDefinition[]): Promise<IntentClassifier> {
    const keyword = await super.train(intents);
    return {
      classify(text: string) {
        const { ranked } = keyword.classify(text);
        const total = ranked.reduce((sum, s) => sum + s.score, 0);
        return { ranked: ranked.map((s) => ({ intentId: s.intentId, score: total === 0 ? 0 : s.score / total })) };
      },
    };
  }
}

const sharedScoreMatcher = new ContainerModule(({ bind }) => {
  bind(SharedScoreMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(SharedScoreMatcher);
});

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

  describe('group classifier', () => {
    // Alone, each one-intent bot scores any overlap at 1.0; trained together, "where is my order" is orders' (0.63) not billing's
    // (0.38). Group-aware training is off here so that only the group classifier can tell them apart.
    const billing = bot('billing', [['billing.invoice', ['where is my invoice']]]);
    const orders1 = bot('orders', [['orders.status', ['where is my order']]]);

    it('ranks all members on one scale by default, so the better match wins', async () => {
      const rt = await createRuntime({ bots: [front, billing, orders1], groups: [{ id: 'support', collaboration: true }], modules: [sharedScoreMatcher], groupAwareTraining: 0 });
      const id = await rt.startConversation({ botId: 'front' });
      const events = await rt.send(id, 'where is my order');
      expect(events.find((e) => e.type === 'transfer')).toMatchObject({ toBotId: 'orders', context: { intentId: 'orders.status' } });
      const candidates = rt.groupCandidates('support', 'where is my order', ['front']);
      expect(candidates.map((c) => [c.botId, c.eligible])).toEqual([['orders', true], ['billing', false]]);
      expect(candidates[0]?.score).toBeCloseTo(1 / 1.6, 5);
    });

    it("with groupClassifier: false compares members' own scores (here a tie the first bot wins)", async () => {
      const rt = await createRuntime({ bots: [front, billing, orders1], groups: [{ id: 'support', collaboration: true }], modules: [sharedScoreMatcher], groupClassifier: false, groupAwareTraining: 0 });
      const id = await rt.startConversation({ botId: 'front' });
      expect((await rt.send(id, 'where is my order')).find((e) => e.type === 'transfer')).toMatchObject({ toBotId: 'billing' });
    });

    it('leaves out members that are not connected', async () => {
      const rt = await createRuntime({ bots: [front, billing, orders1], groups: [{ id: 'support', collaboration: true }], modules: [sharedScoreMatcher], groupAwareTraining: 0 });
      rt.setAgentStatus('orders', { connected: false });
      expect(rt.groupCandidates('support', 'where is my order', ['front']).map((c) => c.botId)).toEqual(['billing']);
      const id = await rt.startConversation({ botId: 'front' });
      // billing's share (0.38) is below GOOD: no transfer, front's fallback.
      const events = await rt.send(id, 'where is my order');
      expect(events.some((e) => e.type === 'transfer')).toBe(false);
      expect(events.find((e) => e.type === 'fallback')).toMatchObject({ botId: 'front' });
    });

    it("is not used when members use different matchers (each member's own scores are)", async () => {
      const rt = await createRuntime({
        bots: [front, { ...billing, settings: { intentMatcher: 'keyword' } }, orders1],
        groups: [{ id: 'support', collaboration: true }],
        modules: [sharedScoreMatcher, keywordMatcher],
        defaultIntentMatcher: 'shared',
        groupAwareTraining: 0,
      });
      expect(rt.groupCandidates('support', 'where is my order', ['front']).map((c) => [c.botId, c.score])).toEqual([['orders', 1], ['billing', 0.6]]);
    });
  });
});

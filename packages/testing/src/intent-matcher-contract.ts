import { describe, expect, it } from 'vitest';
import { CONFIDENCE_THRESHOLDS, type IntentClassifier, type IntentDefinition, type IntentMatcher } from '@bottango/core';

/** What an implementation can do; differences are flags, never `instanceof` checks. */
export interface IntentMatcherContractOptions {
  /** Set false if the matcher ignores `outOfScopeIntentIds` examples entirely (they are still never returned). Default true. */
  readonly trainsOutOfScope?: boolean;
}

/** The built-in corpus: four intents, eight phrases each. */
export const CONTRACT_INTENTS: readonly IntentDefinition[] = [
  {
    id: 'order-pizza',
    name: 'Order pizza',
    trainingPhrases: [
      'I want to order a pizza',
      'can I get a large pepperoni pizza',
      'order a margherita pizza for delivery',
      'I would like a pizza with extra cheese',
      'get me two pizzas please',
      'place an order for a vegetarian pizza',
      'I am hungry, send me a pizza',
      'deliver a pizza to my house',
    ],
  },
  {
    id: 'check-weather',
    name: 'Check weather',
    trainingPhrases: [
      'what is the weather like today',
      'will it rain tomorrow',
      'is it going to be sunny this weekend',
      'tell me the weather forecast',
      'how cold is it outside',
      'do I need an umbrella today',
      'what is the temperature in Paris',
      'is there snow in the forecast',
    ],
  },
  {
    id: 'reset-password',
    name: 'Reset password',
    trainingPhrases: [
      'I forgot my password',
      'reset my password please',
      'I cannot log in to my account',
      'how do I change my password',
      'my login is not working',
      'help me recover my account password',
      'the password I use is rejected',
      'unlock my account, I am locked out',
    ],
  },
  {
    id: 'talk-to-agent',
    name: 'Talk to an agent',
    trainingPhrases: [
      'I want to talk to a human',
      'connect me with an agent',
      'can I speak to a real person',
      'transfer me to customer support',
      'get me a representative',
      'I need to talk to someone from your team',
      'let me chat with a live agent',
      'put me through to an operator',
    ],
  },
];

const OUT_OF_SCOPE: IntentDefinition = {
  id: 'out-of-scope',
  name: 'Out of scope',
  trainingPhrases: ['what is the capital of France', 'play some jazz music', 'how tall is mount everest', 'tell me a joke', 'who won the football match'],
};

/** Clearly in-domain phrases not in the corpus, with their intent. */
const IN_DOMAIN: readonly (readonly [string, string])[] = [
  ['could you order me a pizza', 'order-pizza'],
  ['what is the weather forecast for tomorrow', 'check-weather'],
  ['I forgot my password, please reset it', 'reset-password'],
  ['I want to speak to a human agent', 'talk-to-agent'],
];

const GIBBERISH: readonly string[] = ['xqzv blorf wug', 'zzzzzz qqqq', '12345 67890', '!!! ??? ...'];

function checkShape(classifier: IntentClassifier, text: string, intentIds: readonly string[]): void {
  const { ranked } = classifier.classify(text);
  expect(ranked.map((s) => s.intentId).sort()).toEqual([...intentIds].sort());
  for (const s of ranked) {
    expect(s.score).toBeGreaterThanOrEqual(0);
    expect(s.score).toBeLessThanOrEqual(1);
  }
  for (let i = 1; i < ranked.length; i++) expect((ranked[i - 1]?.score ?? 0) >= (ranked[i]?.score ?? 0)).toBe(true);
}

/**
 * The contract every `IntentMatcher` must meet. Call it from a `*.spec.ts` of the implementation:
 * `describeIntentMatcherContract('natural', () => new NaturalIntentMatcher())`.
 */
export function describeIntentMatcherContract(
  name: string,
  create: () => IntentMatcher | Promise<IntentMatcher>,
  capabilities: IntentMatcherContractOptions = {},
): void {
  const ids = CONTRACT_INTENTS.map((i) => i.id);
  const trained = async (): Promise<IntentClassifier> => (await create()).train(CONTRACT_INTENTS);

  describe(`IntentMatcher contract: ${name}`, () => {
    it('has a non-empty id', async () => {
      const matcher = await create();
      expect(typeof matcher.id).toBe('string');
      expect(matcher.id.length).toBeGreaterThan(0);
    });

    it('ranks every intent exactly once, scores in [0, 1], best first', async () => {
      const classifier = await trained();
      for (const text of [...IN_DOMAIN.map(([t]) => t), ...GIBBERISH, 'pizza weather password agent']) checkShape(classifier, text, ids);
    });

    it('gives a clearly in-domain phrase its intent at GOOD or better', async () => {
      const classifier = await trained();
      for (const [text, intent] of IN_DOMAIN) {
        const best = classifier.classify(text).ranked[0];
        expect({ text, intent: best?.intentId }).toEqual({ text, intent });
        expect(best?.score, text).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.GOOD);
      }
    });

    it('keeps gibberish and unrelated text below GOOD', async () => {
      const classifier = await trained();
      for (const text of [...GIBBERISH, 'the quantum chromodynamics of gluons']) {
        const best = classifier.classify(text).ranked[0];
        expect(best?.score ?? 0, text).toBeLessThan(CONFIDENCE_THRESHOLDS.GOOD);
      }
    });

    it('handles the empty string and whitespace without throwing, below GOOD', async () => {
      const classifier = await trained();
      for (const text of ['', '   ', '\n']) {
        const { ranked } = classifier.classify(text);
        expect(ranked.length === 0 || ranked.length === ids.length).toBe(true);
        expect(ranked[0]?.score ?? 0).toBeLessThan(CONFIDENCE_THRESHOLDS.GOOD);
      }
    });

    it('is deterministic: the same text gives the same ranking', async () => {
      const classifier = await trained();
      const text = 'I would like a pizza, and what is the weather';
      expect(classifier.classify(text)).toEqual(classifier.classify(text));
    });

    it('gives the same results when trained twice on the same data', async () => {
      const texts = [...IN_DOMAIN.map(([t]) => t), 'hello there', 'order the weather'];
      const first = await (await create()).train(CONTRACT_INTENTS);
      const second = await (await create()).train(CONTRACT_INTENTS);
      for (const text of texts) expect(second.classify(text)).toEqual(first.classify(text));
    });

    it('never returns out-of-scope intents', async () => {
      const matcher = await create();
      const classifier = await matcher.train([...CONTRACT_INTENTS, OUT_OF_SCOPE], { outOfScopeIntentIds: [OUT_OF_SCOPE.id] });
      for (const text of [...OUT_OF_SCOPE.trainingPhrases, ...IN_DOMAIN.map(([t]) => t)]) checkShape(classifier, text, ids);
      if (capabilities.trainsOutOfScope !== false) {
        for (const text of OUT_OF_SCOPE.trainingPhrases) expect(classifier.classify(text).ranked[0]?.score ?? 0, text).toBeLessThan(CONFIDENCE_THRESHOLDS.GOOD);
      }
    });

    it('reports training progress, if at all, with done <= total', async () => {
      const matcher = await create();
      const calls: [number, number][] = [];
      await matcher.train(CONTRACT_INTENTS, { onProgress: (done, total) => calls.push([done, total]) });
      for (const [done, total] of calls) expect(done).toBeLessThanOrEqual(total);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { CONFIDENCE_THRESHOLDS, type IntentClassifier } from '@bottango/core';
import { CONTRACT_INTENTS, describeIntentMatcherContract } from '@bottango/testing';
import { FuzzyIntentClassifier, FuzzyIntentMatcher, parseFuzzyMatcherOptions } from './index.js';

const matcher = (options: unknown = {}): FuzzyIntentMatcher => new FuzzyIntentMatcher(parseFuzzyMatcherOptions(options));

// The behaviour every Bottango intent matcher must have, from @bottango/testing.
describeIntentMatcherContract('fuzzy', () => matcher());

describe('FuzzyIntentMatcher', () => {
  const trained = (): Promise<IntentClassifier> => matcher().train(CONTRACT_INTENTS);

  it('is called fuzzy unless configured otherwise', () => {
    expect(matcher().id).toBe('fuzzy');
    expect(matcher({ id: 'typo-tolerant' }).id).toBe('typo-tolerant');
  });

  it('takes misspelt words for the words they resemble', async () => {
    const classifier = await trained();
    for (const [text, intent] of [
      ['I forgot my pasword', 'reset-password'],
      ["what's the wether forcast", 'check-weather'],
      ['ordr a pizaa for delivry', 'order-pizza'],
      ['conect me with a humen', 'talk-to-agent'],
    ] as const) {
      const best = classifier.classify(text).ranked[0];
      expect({ text, intent: best?.intentId }).toEqual({ text, intent });
      expect(best?.score, text).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.GOOD);
    }
  });

  it('explains which known word each word was taken for', async () => {
    const classifier = (await trained()) as FuzzyIntentClassifier;
    const [forgot, password] = classifier.explain('I forgot my pasword');
    expect(forgot).toEqual({ word: 'forgot', matched: 'forgot', quality: 1 });
    expect(password?.matched).toBe('password');
    expect(password?.quality).toBeGreaterThan(0.6);
    expect(password?.quality).toBeLessThan(1);
    expect(classifier.explain('xylophone')).toEqual([{ word: 'xylophone', matched: undefined, quality: 0 }]);
  });

  it('does not take a short word for a longer word that contains it', async () => {
    const classifier = (await matcher().train([{ id: 'party', name: 'party', trainingPhrases: ['plan a birthday party'] }])) as FuzzyIntentClassifier;
    expect(classifier.explain('art')[0]?.matched).toBeUndefined();
    expect(classifier.classify('art').ranked[0]?.score).toBe(0);
  });

  it('lets an out-of-scope intent that covers a message better pull the others down', async () => {
    const intents = [
      { id: 'weather', name: 'weather', trainingPhrases: ['tell me the weather'] },
      { id: 'chitchat', name: 'chit-chat', trainingPhrases: ['tell me a joke'] },
    ];
    const without = await matcher().train(intents.slice(0, 1));
    const withOutOfScope = await matcher().train(intents, { outOfScopeIntentIds: ['chitchat'] });
    expect(withOutOfScope.classify('tell me a joke').ranked.map((s) => s.intentId)).toEqual(['weather']);
    expect(withOutOfScope.classify('tell me a joke').ranked[0]?.score).toBeLessThan(without.classify('tell me a joke').ranked[0]?.score ?? 0);
    expect(withOutOfScope.classify('tell me a joke').ranked[0]?.score).toBe(0);
  });

  it('honours extra stop words and a stricter threshold', async () => {
    const strict = await matcher({ threshold: 0 }).train(CONTRACT_INTENTS);
    expect(strict.classify('I forgot my pasword').ranked[0]?.score).toBeLessThan((await trained()).classify('I forgot my pasword').ranked[0]?.score ?? 0);
    const noPizza = await matcher({ stopWords: ['Pizza', 'pizzas'] }).train(CONTRACT_INTENTS);
    expect(noPizza.classify('pizza').ranked[0]?.score).toBe(0);
  });

  it('reports one training step per intent', async () => {
    const steps: [number, number][] = [];
    await matcher().train(CONTRACT_INTENTS, { onProgress: (done, total) => steps.push([done, total]) });
    expect(steps).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
  });
});

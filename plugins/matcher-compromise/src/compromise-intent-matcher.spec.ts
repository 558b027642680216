import { BottangoError, BottangoErrorCode, intentMatchOutcome, type IntentDefinition } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { CompromiseIntentMatcher, calibrateSimilarity } from './compromise-intent-matcher.js';

const intents: IntentDefinition[] = [
  {
    id: 'cancel_order',
    name: 'Cancel order',
    trainingPhrases: ['cancel my order', 'I want to cancel the order', 'please cancel my purchase', 'stop my order'],
  },
  {
    id: 'track_order',
    name: 'Track order',
    trainingPhrases: ['where is my order', 'track my package', 'when will my order arrive', 'has my parcel shipped'],
  },
  {
    id: 'book_tickets',
    name: 'Book tickets',
    trainingPhrases: ['book 2 tickets', 'I need tickets for the show', 'reserve seats for tonight'],
  },
];

describe('CompromiseIntentMatcher', () => {
  it('has the id compromise and a no-argument constructor', () => {
    expect(new CompromiseIntentMatcher().id).toBe('compromise');
  });

  it('scores a training phrase at VERY_GOOD for its own intent', async () => {
    const classifier = await new CompromiseIntentMatcher().train(intents);
    const best = classifier.classify('cancel my order').ranked[0];
    expect(best?.intentId).toBe('cancel_order');
    expect(best?.score).toBeGreaterThanOrEqual(0.75);
  });

  it('matches inflected and contracted paraphrases through lemmas', async () => {
    const classifier = await new CompromiseIntentMatcher().train(intents);
    for (const [text, intentId] of [
      ['Cancelled my orders!', 'cancel_order'],
      ["Where's my order?", 'track_order'],
      ['booking two tickets', 'book_tickets'],
    ] as const) {
      const outcome = intentMatchOutcome(classifier.classify(text));
      expect(outcome, text).toMatchObject({ kind: 'match', intentId });
    }
  });

  it('keeps unrelated text below GOOD', async () => {
    const classifier = await new CompromiseIntentMatcher().train(intents);
    for (const text of ['what is the weather like in Paris', 'tell me a joke', 'hello', '']) {
      const best = classifier.classify(text).ranked[0];
      expect(best?.score ?? 0, text).toBeLessThan(0.6);
      expect(intentMatchOutcome(classifier.classify(text)).kind, text).toBe('none');
    }
  });

  it('ranks every intent, best first, with scores in [0, 1]', async () => {
    const classifier = await new CompromiseIntentMatcher().train(intents);
    const { ranked } = classifier.classify('track my order please');
    expect(ranked.map((s) => s.intentId).sort()).toEqual(['book_tickets', 'cancel_order', 'track_order']);
    expect(ranked[0]?.intentId).toBe('track_order');
    for (const [i, score] of ranked.entries()) {
      expect(score.score).toBeGreaterThanOrEqual(0);
      expect(score.score).toBeLessThanOrEqual(1);
      if (i > 0) expect(score.score).toBeLessThanOrEqual(ranked[i - 1]?.score ?? 1);
    }
  });

  it('is deterministic', async () => {
    const a = await new CompromiseIntentMatcher().train(intents);
    const b = await new CompromiseIntentMatcher().train(intents);
    expect(a.classify('I would like to cancel the tickets')).toEqual(b.classify('I would like to cancel the tickets'));
  });

  it('never returns out-of-scope intents and lets them pull near messages below GOOD', async () => {
    const withNone: IntentDefinition[] = [
      ...intents,
      { id: 'None', name: 'None', trainingPhrases: ['my order of pizza toppings is pepperoni', 'order of operations in math'] },
    ];
    const classifier = await new CompromiseIntentMatcher().train(withNone, { outOfScopeIntentIds: ['None'] });
    const { ranked } = classifier.classify('what is the order of operations in math');
    expect(ranked.map((s) => s.intentId)).not.toContain('None');
    expect(ranked[0]?.score ?? 0).toBeLessThan(0.6);
    // Without the out-of-scope intent the same message would be closer to an order intent.
    const plain = await new CompromiseIntentMatcher().train(intents);
    expect(plain.classify('what is the order of operations in math').ranked[0]?.score ?? 0).toBeGreaterThan(ranked[0]?.score ?? 0);
  });

  it('reports progress once per intent', async () => {
    const calls: [number, number][] = [];
    await new CompromiseIntentMatcher().train(intents, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('classifies with no intents and with an intent that has no phrases', async () => {
    expect((await new CompromiseIntentMatcher().train([])).classify('anything').ranked).toEqual([]);
    const classifier = await new CompromiseIntentMatcher().train([{ id: 'empty', name: 'Empty', trainingPhrases: [] }]);
    expect(classifier.classify('anything').ranked).toEqual([{ intentId: 'empty', score: 0 }]);
  });

  it('rejects duplicate intent ids and non-string phrases with INVALID_DEFINITION', async () => {
    const matcher = new CompromiseIntentMatcher();
    await expect(matcher.train([intents[0]!, intents[0]!])).rejects.toSatisfy(
      (e: unknown) => BottangoError.is(e, BottangoErrorCode.InvalidDefinition) && e.message.includes('"cancel_order"'),
    );
    await expect(matcher.train([{ id: 'x', name: 'X', trainingPhrases: [3 as unknown as string] }])).rejects.toSatisfy((e: unknown) =>
      BottangoError.is(e, BottangoErrorCode.InvalidDefinition),
    );
  });
});

describe('calibrateSimilarity', () => {
  it('maps [0, 1] onto [0, 1], monotonically, with GOOD from similarity 0.4', () => {
    expect(calibrateSimilarity(0)).toBe(0);
    expect(calibrateSimilarity(1)).toBe(1);
    expect(calibrateSimilarity(0.4)).toBeCloseTo(0.6);
    expect(calibrateSimilarity(0.39)).toBeLessThan(0.6);
    expect(calibrateSimilarity(-1)).toBe(0);
    let previous = -1;
    for (let s = 0; s <= 1; s += 0.01) {
      expect(calibrateSimilarity(s)).toBeGreaterThanOrEqual(previous);
      previous = calibrateSimilarity(s);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { CONFIDENCE_THRESHOLDS, confidenceBand, type IntentDefinition } from '@bottango/core';
import { NaturalIntentMatcher } from './index.js';
import { DEFAULT_CONFIDENCE_CALIBRATION, NaturalIntentClassifier, piecewiseLinear } from './natural-intent-classifier.js';

/** The demo billing bot's intents (apps/demo/bots/billing.yaml): four intents, 8–10 phrases each. */
const BILLING: readonly IntentDefinition[] = [
  {
    id: 'billing.refund',
    name: 'refund',
    trainingPhrases: [
      'i want a refund',
      'i would like my money back',
      'can you refund my order',
      'please reimburse me',
      'refund the last purchase',
      'how do i get a refund',
      'i was charged for something i returned',
      'give me back what i paid',
      'i need a refund for a damaged item',
      'request a refund',
    ],
  },
  {
    id: 'billing.invoice',
    name: 'invoice copy',
    trainingPhrases: [
      'send me a copy of my invoice',
      'where can i find my invoice',
      'i need my invoice for last month',
      'can i get a receipt',
      'download my bill',
      'i have a question about my invoice',
      'email me the invoice',
      'my invoice is missing',
      'show me my latest bill',
      'i need the receipt for my records',
    ],
  },
  {
    id: 'billing.balance',
    name: 'account balance',
    trainingPhrases: [
      'what is my balance',
      'how much do i owe',
      'what is the amount due',
      'check my account balance',
      'how much is outstanding on my account',
      'tell me my current balance',
      'do i have anything left to pay',
      'what do i still owe you',
    ],
  },
  {
    id: 'billing.payment_method',
    name: 'update payment method',
    trainingPhrases: [
      'change my credit card',
      'update my payment method',
      'i got a new card',
      'use a different card for payments',
      'my card expired',
      'switch to paying by bank transfer',
      'replace the card on file',
      'add a new payment card',
    ],
  },
];

describe('confidence on a small bot', () => {
  it('keeps text the bot has no words for below GOOD, even when the softmax is sure', async () => {
    const classifier = await new NaturalIntentMatcher().train(BILLING);
    for (const text of ['what is the weather like on mars tomorrow', 'let me talk to a human', 'what time is it', 'book a flight to paris', 'i need help']) {
      const best = classifier.classify(text).ranked[0];
      expect(best?.score ?? 0, text).toBeLessThan(CONFIDENCE_THRESHOLDS.GOOD);
    }
  });

  it('still gives typical paraphrases their intent at GOOD or better', async () => {
    const classifier = await new NaturalIntentMatcher().train(BILLING);
    for (const [text, intent] of [
      ['how much do I still owe you', 'billing.balance'],
      ['I would like my money back please', 'billing.refund'],
      ["send me last month's invoice", 'billing.invoice'],
      ['my credit card expired, can I use a new one', 'billing.payment_method'],
    ] as const) {
      const best = classifier.classify(text).ranked[0];
      expect({ text, intent: best?.intentId }).toEqual({ text, intent });
      expect(best?.score ?? 0, text).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.GOOD);
    }
  });

  it('accepts paraphrases in words the bot was never trained with, which the stems alone kept below GOOD (word vectors)', async () => {
    const classifier = (await new NaturalIntentMatcher().train(BILLING)) as NaturalIntentClassifier;
    const trained = (await new NaturalIntentMatcher().train(BILLING)) as NaturalIntentClassifier;
    const withoutVectors = new NaturalIntentClassifier(trained.featurizer, trained.model, trained.classIds, trained.outOfScopeIds, trained.calibration, trained.trainingExamples, trained.contentFreeClasses);
    for (const [text, intent] of [
      ['i need a reimbursement', 'billing.refund'],
      ['my mastercard expired', 'billing.payment_method'],
      ['reimburse me for the broken item', 'billing.refund'],
    ] as const) {
      const best = classifier.classify(text).ranked[0];
      expect({ text, intent: best?.intentId }).toEqual({ text, intent });
      expect(best?.score ?? 0, text).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.GOOD);
      expect(withoutVectors.classify(text).ranked[0]?.score ?? 1, `${text} without vectors`).toBeLessThan(CONFIDENCE_THRESHOLDS.GOOD);
    }
  });

  it('keeps unrelated text below GOOD on a one-intent bot and beside an intent of words without vectors', async () => {
    const refund = { id: 'refund', name: 'refund', trainingPhrases: ['i want a refund', 'i would like my money back', 'can you refund my order', 'please reimburse me', 'request a refund'] };
    const codes = { id: 'codes', name: 'codes', trainingPhrases: ['xbq9000 zzv', 'qqfoo'] };
    for (const intents of [[refund], [refund, codes]]) {
      const classifier = await new NaturalIntentMatcher().train(intents);
      for (const text of ['book a table for two', 'my dog is sick', 'i love pizza']) {
        expect(classifier.classify(text).ranked[0]?.score ?? 1, `${intents.length} intents: ${text}`).toBeLessThan(CONFIDENCE_THRESHOLDS.GOOD);
      }
      expect(classifier.classify('i need a reimbursement').ranked[0]?.score ?? 0).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.GOOD);
    }
  });

  it('never scores an intent above one the model ranks before it', async () => {
    const classifier = await new NaturalIntentMatcher().train(BILLING);
    for (const text of ['i need a reimbursement', 'my card expired, refund me', 'invoice balance refund card', 'what is the weather', 'bill me']) {
      const scores = classifier.classify(text).ranked.map((s) => s.score);
      expect(scores, text).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('keeps inputs made only of function words below GOOD (issue 13: "what" scored 0.81, "please" 0.93)', async () => {
    const classifier = await new NaturalIntentMatcher().train(BILLING);
    for (const text of ['what', 'the', 'can you', 'please', 'how', 'i', 'is it', 'and so']) {
      const best = classifier.classify(text).ranked[0];
      expect(best?.score ?? 0, text).toBeLessThan(CONFIDENCE_THRESHOLDS.GOOD);
    }
  });

  it('still answers an intent trained with phrases of function words only ("yes", "ok") at GOOD or better', async () => {
    const classifier = await new NaturalIntentMatcher().train([
      ...BILLING,
      { id: 'confirm', name: 'confirm', trainingPhrases: ['yes', 'yes please', 'ok', 'sure', 'that is right'] },
    ]);
    for (const text of ['yes', 'ok', 'yes please']) {
      const best = classifier.classify(text).ranked[0];
      expect({ text, intent: best?.intentId }).toEqual({ text, intent: 'confirm' });
      expect(best?.score ?? 0, text).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.GOOD);
    }
  });

  it('ranks every intent even when the scores are 0 (the best guess stays first)', async () => {
    const classifier = await new NaturalIntentMatcher().train(BILLING);
    const { ranked } = classifier.classify('what is the weather like on mars tomorrow');
    expect(ranked.map((s) => s.intentId).sort()).toEqual(BILLING.map((i) => i.id).sort());
    expect(ranked.every((s) => s.score < CONFIDENCE_THRESHOLDS.GOOD)).toBe(true);
  });
});

describe('the small-bot band map', () => {
  const { bandMap } = DEFAULT_CONFIDENCE_CALIBRATION.smallBot;

  it('keeps every score in its band and every two scores in order', () => {
    let previous = -1;
    for (let i = 0; i <= 20_000; i++) {
      const score = i / 20_000;
      const mapped = piecewiseLinear(bandMap, score);
      expect(confidenceBand(mapped), String(score)).toBe(confidenceBand(score));
      expect(mapped, String(score)).toBeGreaterThan(previous);
      previous = mapped;
    }
  });

  it('maps each band edge to itself exactly', () => {
    for (const edge of [0, 0.3, 0.45, 0.6, 0.75]) expect(piecewiseLinear(bandMap, edge)).toBe(edge);
  });
});

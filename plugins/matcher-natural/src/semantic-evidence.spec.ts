import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentWordsOf, SemanticEvidence } from './semantic-evidence.js';
import { decodeWordVectors, WORD_VECTORS_PATH, wordVectors } from './word-vectors.js';

describe('word vectors', () => {
  const vectors = wordVectors();

  it('holds 50,000 words of 100 dimensions, and knows nothing of made-up words', () => {
    expect({ count: vectors.count, dimensions: vectors.dimensions }).toEqual({ count: 50_000, dimensions: 100 });
    expect(vectors.indexOf('refund')).toBeGreaterThanOrEqual(0);
    expect(vectors.indexOf('blorptastic')).toBe(-1);
  });

  it('puts words of one meaning nearer than unrelated ones', () => {
    const unit = (word: string) => {
      const out = new Float32Array(vectors.dimensions);
      vectors.addUnit(vectors.indexOf(word), out);
      return out;
    };
    const cos = (a: string, b: string) => unit(a).reduce((sum, x, d) => sum + x * (unit(b)[d] as number), 0);
    expect(cos('refund', 'reimbursement')).toBeGreaterThan(cos('refund', 'weather') + 0.2);
    expect(cos('expired', 'lapsed')).toBeGreaterThan(cos('expired', 'banana') + 0.2);
    expect(cos('card', 'card')).toBeCloseTo(1, 5);
  });

  it('refuses a truncated or foreign file, naming it', () => {
    const file = readFileSync(WORD_VECTORS_PATH);
    expect(() => decodeWordVectors(file.subarray(0, file.length - 1), 'cut.bin')).toThrow(`cut.bin is not a version 1 bottango-word-vectors file of the size its header gives (${file.length - 1} bytes)`);
    expect(() => decodeWordVectors(Buffer.from('{"format":"other"}\nabc'), 'other.bin')).toThrow(/other\.bin is not/);
    expect(() => decodeWordVectors(Buffer.from('not json at all\nabc'), 'text.bin')).toThrow(/text\.bin is not a version 1/);
    expect(() => decodeWordVectors(Buffer.alloc(0), 'empty.bin')).toThrow(/empty\.bin is not a version 1 .*\(0 bytes\)/);
  });
});

describe('SemanticEvidence', () => {
  const phrases = [
    ['i want a refund', 'give me my money back'],
    ['send me my invoice', 'where is my bill'],
  ].map((texts) => texts.map(contentWordsOf));
  const evidence = new SemanticEvidence(phrases, wordVectors());

  it('counts a trained word as full evidence for its class only', () => {
    evidence.measure(['refund']);
    expect(evidence.softEvidence[0]).toBe(1);
    expect(evidence.softEvidence[1]).toBeLessThan(0.7);
    expect(evidence.botSoftEvidence).toBe(1);
  });

  it('gives an untrained word of the same meaning partial evidence, more for the class that means it', () => {
    evidence.measure(contentWordsOf('reimbursement please'));
    expect(evidence.softEvidence[0]).toBeGreaterThan(0.4);
    expect(evidence.softEvidence[0]).toBeLessThan(1);
    expect(evidence.softEvidence[0]).toBeGreaterThan(evidence.softEvidence[1] as number);
    expect(evidence.similarity[0]).toBeGreaterThan(evidence.similarity[1] as number);
  });

  it('keeps its per-word cache bounded by words and by size, and measures the same after emptying it', () => {
    const internals = (e: SemanticEvidence) => e as unknown as { wordEvidence: Map<string, Float32Array>; wordEvidenceLimit: number };
    expect(internals(evidence).wordEvidenceLimit).toBe(5_000);
    // 40 intents × 25 phrases: each cached word holds 41 + 1,000 numbers, so the size bound (1,000,000) comes first.
    const vectors = wordVectors();
    const big = new SemanticEvidence(
      Array.from({ length: 40 }, (_, c) => Array.from({ length: 25 }, (_, p) => [`word${c}`, 'refund', p % 2 ? 'invoice' : 'card'])),
      vectors,
    );
    expect(internals(big).wordEvidenceLimit).toBe(Math.floor(1_000_000 / (40 + 1 + 1_000)));
    big.measure(['reimbursement', 'bill']);
    const before = [[...big.similarity], [...big.softEvidence], big.botSoftEvidence];
    const common = ['the', 'of', 'money', 'payment', 'account', 'bank', 'credit', 'price', 'cost', 'debt'];
    for (let i = 0; i < 3_000; i++) big.measure([common[i % common.length] as string, `madeup${i}`]);
    expect(internals(big).wordEvidence.size).toBeLessThanOrEqual(internals(big).wordEvidenceLimit);
    big.measure(['reimbursement', 'bill']);
    expect([[...big.similarity], [...big.softEvidence], big.botSoftEvidence]).toEqual(before);
  });

  it('counts a training word without a vector as full evidence for its class', () => {
    const codes = new SemanticEvidence([[['xbq9000', 'refund']], [['invoice']]], wordVectors());
    codes.measure(['xbq9000']);
    expect([...codes.softEvidence]).toEqual([1, 0]);
    expect(codes.botSoftEvidence).toBe(1);
  });

  it('has nothing to say of words without vectors, or of no words', () => {
    evidence.measure(['blorptastic', 'zxqv']);
    expect([...evidence.similarity, ...evidence.softEvidence, evidence.botSoftEvidence]).toEqual([0, 0, 0, 0, 0]);
    evidence.measure([]);
    expect([...evidence.similarity, ...evidence.softEvidence, evidence.botSoftEvidence]).toEqual([0, 0, 0, 0, 0]);
  });
});

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
    const cos = (a: string, b: string) => vectors.cosine(vectors.indexOf(a), vectors.indexOf(b));
    expect(cos('refund', 'reimbursement')).toBeGreaterThan(cos('refund', 'weather') + 0.2);
    expect(cos('expired', 'lapsed')).toBeGreaterThan(cos('expired', 'banana') + 0.2);
    expect(cos('card', 'card')).toBeCloseTo(1, 5);
  });

  it('refuses a truncated or foreign file, naming it', () => {
    const file = readFileSync(WORD_VECTORS_PATH);
    expect(() => decodeWordVectors(file.subarray(0, file.length - 1), 'cut.bin')).toThrow(`cut.bin is not a version 1 bottango-word-vectors file of the size its header gives (${file.length - 1} bytes)`);
    expect(() => decodeWordVectors(Buffer.from('{"format":"other"}\nabc'), 'other.bin')).toThrow(/other\.bin is not/);
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

  it('keeps its per-word cache bounded (20,000 words here), and right after it is emptied', () => {
    const cache = (evidence as unknown as { wordEvidence: Map<string, Float32Array> }).wordEvidence;
    for (let i = 0; i < 25_000; i++) evidence.measure([`madeup${i}`]);
    expect(cache.size).toBeLessThanOrEqual(20_000);
    evidence.measure(['refund']);
    expect(evidence.softEvidence[0]).toBe(1);
  });

  it('has nothing to say of words without vectors, or of no words', () => {
    evidence.measure(['blorptastic', 'zxqv']);
    expect([...evidence.similarity, ...evidence.softEvidence, evidence.botSoftEvidence]).toEqual([0, 0, 0, 0, 0]);
    evidence.measure([]);
    expect([...evidence.similarity, ...evidence.softEvidence, evidence.botSoftEvidence]).toEqual([0, 0, 0, 0, 0]);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IntentClassifier, IntentDefinition, IntentMatcher } from '@bottango/core';
import { evaluateIntentMatcher, formatIntentEvalReport, loadIntentDataset, parseIntentDataset } from './index.js';

describe('loadIntentDataset', () => {
  it('names file, line and field of a bad line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eval-'));
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, '{"text":"hi","intent":"greet","split":"train"}\n{"text":"yo","intent":"greet","split":"dev"}\n');
    await expect(loadIntentDataset(file)).rejects.toThrow(`${file}:2: field "split" must be one of train, val, test, got "dev"`);
    expect(() => parseIntentDataset('{"text":1,"intent":"a","split":"test"}', 'x.jsonl')).toThrow('x.jsonl:1: field "text" must be a string');
    expect(() => parseIntentDataset('not json', 'x.jsonl')).toThrow('x.jsonl:1: line is not valid JSON');
  });
});

/** A keyword matcher: the score is 0.9 when the text contains the intent id, else 0.1. */
class KeywordMatcher implements IntentMatcher {
  readonly id = 'keyword';
  trained: IntentDefinition[] = [];
  classified: string[] = [];
  async train(intents: readonly IntentDefinition[]): Promise<IntentClassifier> {
    this.trained = [...intents];
    return {
      classify: (text) => {
        this.classified.push(text);
        return { ranked: intents.map((i) => ({ intentId: i.id, score: text.includes(i.id) ? 0.9 : 0.1 })).sort((a, b) => b.score - a.score) };
      },
    };
  }
}

describe('evaluateIntentMatcher', () => {
  const lines = [
    { text: 'a cat', intent: 'cat', split: 'train' },
    { text: 'a dog', intent: 'dog', split: 'train' },
    { text: 'weather?', intent: 'oos', split: 'train' },
    { text: 'my cat', intent: 'cat', split: 'test' },
    { text: 'my dog', intent: 'dog', split: 'test' },
    { text: 'dog and cat', intent: 'cat', split: 'test' },
    { text: 'stocks', intent: 'oos', split: 'test' },
    { text: 'dogs food', intent: 'oos', split: 'test' },
  ].map((l) => JSON.stringify(l));

  it('trains on in-scope train only and counts a top score below GOOD as out-of-scope', async () => {
    const matcher = new KeywordMatcher();
    const report = await evaluateIntentMatcher(matcher, { file: 't.jsonl', examples: parseIntentDataset(lines.join('\n'), 't.jsonl') });
    expect(matcher.trained.map((i) => i.id).sort()).toEqual(['cat', 'dog']);
    // 'dog and cat' -> first of ranked with 0.9; sort is stable so 'cat' (trained first) wins; 'dogs food' -> dog (wrong)
    expect(report.inScopeAccuracy).toBeCloseTo(1);
    expect(report.oosRecall).toBeCloseTo(0.5);
    expect(report.oosPrecision).toBeCloseTo(1);
    expect(report.accuracy).toBeCloseTo(4 / 5);
    expect(report.topConfusions).toEqual([{ expected: 'oos', predicted: 'dog', count: 1 }]);
    expect(report.reliability.map((b) => [b.from, b.count])).toEqual([[0.1, 1], [0.9, 4]]);
    // warm, as in pnpm bench nlu: the two in-scope training texts were classified before the five test texts were timed
    expect(report.warmUp).toBe(2);
    expect(matcher.classified).toEqual(['a cat', 'a dog', 'my cat', 'my dog', 'dog and cat', 'stocks', 'dogs food']);
    const text = formatIntentEvalReport(report);
    expect(text).toContain('utterances/s (warm: after classifying the 2 training texts once, as pnpm bench nlu does)');
    expect(text).toContain('in-scope accuracy  100.0%');
    expect(text).toContain('oos recall         50.0%');
    expect(text).toContain('1  oos -> dog');
  });
});

import type { IntentDefinition } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import type { IntentDataset, IntentExample } from './intent-dataset.js';
import { SMALL_BOTS_JUNK } from './small-bots-junk.js';
import { evaluateSmallBots, smallBotRandom, type SmallBotsMatcher, type SmallBotsResult } from './small-bots.js';
import { formatSmallBotsReport } from './small-bots-format.js';

/** 30 intents × (10 train, 5 val, 8 test), plus 50 test and 10 val `oos`; every text says its intent and split. */
function dataset(): IntentDataset {
  const examples: IntentExample[] = [];
  for (let i = 0; i < 30; i++) {
    const intent = `i${String(i).padStart(2, '0')}`;
    for (let n = 0; n < 10; n++) examples.push({ text: `${intent} train ${n}`, intent, split: 'train' });
    for (let n = 0; n < 5; n++) examples.push({ text: `${intent} val ${n}`, intent, split: 'val' });
    for (let n = 0; n < 8; n++) examples.push({ text: `${intent} test ${n}`, intent, split: 'test' });
  }
  for (let n = 0; n < 50; n++) examples.push({ text: `oos test ${n}`, intent: 'oos', split: 'test' });
  for (let n = 0; n < 10; n++) examples.push({ text: `oos val ${n}`, intent: 'oos', split: 'val' });
  for (let n = 0; n < 3; n++) examples.push({ text: `oos train ${n}`, intent: 'oos', split: 'train' });
  return { file: 'synthetic.jsonl', examples };
}

/** Knows the truth from the text: its intent at `hit` when the bot has it, else the bot's first intent at `miss`. */
function oracle(hit: number, miss: number, trained: IntentDefinition[][] = []): () => SmallBotsMatcher {
  return () => ({
    id: 'oracle',
    train: async (intents) => {
      trained.push([...intents]);
      const ids = new Set(intents.map((i) => i.id));
      return {
        classify: (text) => {
          const said = text.split(' ')[0] ?? '';
          return ids.has(said) ? { ranked: [{ intentId: said, score: hit }] } : { ranked: [{ intentId: intents[0]?.id ?? '', score: miss }] };
        },
      };
    },
  });
}

describe('evaluateSmallBots', () => {
  it('draws the same bots for the same seed, bot b the same whatever the number of bots, others for another seed', async () => {
    const data = dataset();
    const run = (seed: number, bots: number) => evaluateSmallBots(data, { intents: 5, phrases: 3, bots, seed, matcher: oracle(0.9, 0.1) });
    const a = await run(1, 3);
    const b = await run(1, 5);
    const c = await run(2, 3);
    expect(b.perBot.slice(0, 3).map((r) => r.intentIds)).toEqual(a.perBot.map((r) => r.intentIds));
    expect(c.perBot.map((r) => r.intentIds)).not.toEqual(a.perBot.map((r) => r.intentIds));
    expect(new Set(a.perBot.map((r) => r.intentIds.join())).size).toBe(3);
    expect(smallBotRandom(1, 0)()).toBe(smallBotRandom(1, 0)());
    expect(smallBotRandom(1, 0)()).not.toBe(smallBotRandom(1, 1)());
  });

  it('trains K intents × P train phrases and asks in-scope, other-intent and oos inputs of the split only, then the junk', async () => {
    const trained: IntentDefinition[][] = [];
    const seen: SmallBotsResult[] = [];
    const report = await evaluateSmallBots(dataset(), {
      intents: 4,
      phrases: 3,
      bots: 2,
      seed: 7,
      split: 'val',
      matcher: oracle(0.9, 0.1, trained),
      otherIntentInputs: 30,
      onResult: (r) => seen.push(r),
    });
    expect(trained).toHaveLength(2);
    for (const intents of trained) {
      expect(intents).toHaveLength(4);
      for (const i of intents) {
        expect(i.trainingPhrases).toHaveLength(3);
        expect(new Set(i.trainingPhrases).size).toBe(3);
        for (const p of i.trainingPhrases) expect(p).toMatch(new RegExp(`^${i.id} train \\d$`));
      }
    }
    expect(report.perBot[0]).toMatchObject({ inScope: 20, otherIntent: 30, oos: 10, junk: SMALL_BOTS_JUNK.length, trainPhrases: 12 });
    const bot0 = seen.filter((r) => r.bot === 0);
    const bot0Intents = new Set(trained[0]?.map((i) => i.id));
    for (const r of bot0.filter((x) => x.kind !== 'junk')) expect(r.text).toMatch(/ val \d+$/);
    for (const r of bot0.filter((x) => x.kind === 'in-scope')) expect(bot0Intents.has(r.label)).toBe(true);
    for (const r of bot0.filter((x) => x.kind === 'other-intent')) expect(bot0Intents.has(r.label)).toBe(false);
    expect(bot0.filter((x) => x.kind === 'junk').map((x) => x.text)).toEqual(SMALL_BOTS_JUNK.map((j) => j.text));
    expect(new Set(bot0.map((x) => x.text)).size).toBe(bot0.length); // no input asked twice
    expect(report.split).toBe('val');
  });

  it('caps in-scope at 20 per intent, other-intent and oos at 200 (test split)', async () => {
    const examples: IntentExample[] = [...dataset().examples];
    for (let n = 0; n < 30; n++) examples.push({ text: `i00 test extra ${n}`, intent: 'i00', split: 'test' });
    for (let n = 0; n < 300; n++) examples.push({ text: `oos test extra ${n}`, intent: 'oos', split: 'test' });
    const report = await evaluateSmallBots({ file: 'x', examples }, { intents: 30, phrases: 1, bots: 1, seed: 1, matcher: oracle(0.9, 0.1) });
    // Every intent chosen: i00 has 38 test examples (capped at 20), the others 8; no other intent is left.
    expect(report.perBot[0]).toMatchObject({ inScope: 20 + 29 * 8, otherIntent: 0, oos: 200 });
    const small = await evaluateSmallBots({ file: 'x', examples }, { intents: 2, phrases: 1, bots: 1, seed: 1, matcher: oracle(0.9, 0.1) });
    expect(small.perBot[0]?.otherIntent).toBe(200);
  });

  it('scores a perfect matcher: acc@GOOD and top-1 1, no false accept, ECE from the distance of the scores to 1 and 0', async () => {
    const report = await evaluateSmallBots(dataset(), { intents: 5, phrases: 5, bots: 3, seed: 1, matcher: oracle(0.9, 0.1) });
    expect(report.summary.accAtGood).toEqual({ mean: 1, min: 1, max: 1 });
    expect(report.summary.top1.mean).toBe(1);
    expect(report.summary.otherIntentFalseAccept?.max).toBe(0);
    expect(report.summary.oosFalseAccept?.max).toBe(0);
    expect(report.summary.junkFalseAccept.max).toBe(0);
    // In-scope at 0.9 and right: |1 − 0.9|; out-of-scope at 0.1 and never right: |0 − 0.1|.
    expect(report.summary.ece.mean).toBeCloseTo(0.1, 10);
    const bins = report.reliability;
    expect(bins).toHaveLength(10);
    expect(bins[9]).toMatchObject({ count: 3 * 5 * 8, accuracy: 1 });
    expect(bins[9]?.confidence).toBeCloseTo(0.9, 10);
    expect(bins[1]).toMatchObject({ count: 3 * (200 + 50), accuracy: 0 });
    expect(report.distributions.inScope[18]).toBe(3 * 5 * 8);
    expect(report.distributions.junk[2]).toBe(3 * SMALL_BOTS_JUNK.length);
    expect(report.junkAccepts.every((j) => j.acceptedBy === 0)).toBe(true);
  });

  it('counts a correct intent below GOOD in top-1 but not acc@GOOD, and any accept of out-of-scope or junk as false', async () => {
    const report = await evaluateSmallBots(dataset(), { intents: 5, phrases: 5, bots: 2, seed: 3, matcher: oracle(0.55, 0.6) });
    expect(report.summary.accAtGood.max).toBe(0);
    expect(report.summary.top1.min).toBe(1);
    expect(report.summary.otherIntentFalseAccept.min).toBe(1);
    expect(report.summary.oosFalseAccept.min).toBe(1);
    expect(report.summary.junkFalseAccept.min).toBe(1);
    expect(report.junkAccepts[0]?.acceptedBy).toBe(2);
    // In-scope: |1 − 0.55| over 40; out-of-scope: |0 − 0.6| over 250.
    expect(report.perBot[0]?.ece).toBeCloseTo((40 * 0.45 + 250 * 0.6) / 290, 10);
  });

  it('awaits a classifier that returns a promise, and a ranked list with no intent counts as score 0', async () => {
    const report = await evaluateSmallBots(dataset(), {
      intents: 2,
      phrases: 2,
      bots: 1,
      seed: 1,
      matcher: () => ({ id: 'async', train: async () => ({ classify: async () => ({ ranked: [] }) }) }),
    });
    expect(report.matcher).toBe('async');
    expect(report.summary.top1.mean).toBe(0);
    expect(report.reliability[0]?.count).toBe(2 * 8 + 200 + 50);
  });

  it('reports no false accept at all (null, "n/a") for kinds of input the dataset has none of, instead of a perfect 0', async () => {
    const noOos = { file: 'two.jsonl', examples: dataset().examples.filter((e) => e.intent === 'i00' || e.intent === 'i01') };
    const report = await evaluateSmallBots(noOos, { intents: 2, phrases: 5, bots: 2, seed: 1, matcher: oracle(0.9, 0.1) });
    expect(report.perBot.map((r) => [r.otherIntent, r.oos, r.otherIntentFalseAccept, r.oosFalseAccept])).toEqual([
      [0, 0, null, null],
      [0, 0, null, null],
    ]);
    expect(report.summary.otherIntentFalseAccept).toBeNull();
    expect(report.summary.oosFalseAccept).toBeNull();
    expect(report.summary.accAtGood.mean).toBe(1);
    const text = formatSmallBotsReport(report);
    expect(text).toMatch(/other-intent FA +n\/a +\(the dataset had no such inputs\)/);
    expect(text).toMatch(/oos FA +n\/a/);
  });

  it('refuses bad counts, an unknown split and more intents than the dataset has', async () => {
    const data = dataset();
    const base = { intents: 5, phrases: 5, bots: 1, seed: 1, matcher: oracle(0.9, 0.1) };
    await expect(evaluateSmallBots(data, { ...base, intents: 0 })).rejects.toThrow(/intents must be an integer/);
    await expect(evaluateSmallBots(data, { ...base, bots: 1.5 })).rejects.toThrow(/bots must be an integer/);
    await expect(evaluateSmallBots(data, { ...base, split: 'train' as 'val' })).rejects.toThrow(/split must be test or val/);
    await expect(evaluateSmallBots(data, { ...base, intents: 31 })).rejects.toThrow(/31 intents per bot asked, the dataset has 30/);
  });
});

describe('SMALL_BOTS_JUNK', () => {
  it('has 60 distinct inputs in seven groups', () => {
    expect(SMALL_BOTS_JUNK).toHaveLength(60);
    expect(new Set(SMALL_BOTS_JUNK.map((j) => j.text)).size).toBe(60);
    expect(new Set(SMALL_BOTS_JUNK.map((j) => j.group))).toEqual(new Set(['function-words', 'letters', 'numbers', 'emoji-symbols', 'gibberish', 'foreign', 'off-topic']));
  });
});

/**
 * The small-bot protocol (issue 13): is a matcher's score right about GOOD on the small bots people build?
 * Draws `bots` bots of `intents` intents × `phrases` training phrases from a dataset's train split (seeded: a seed gives
 * the same bots everywhere), trains a fresh matcher per bot, and classifies in-scope, out-of-scope and junk inputs of
 * the chosen split. Imports only @bottango/core, so a benchmark child (`@bottango/eval/small-bots`) loads nothing else.
 */
import { BottangoError, BottangoErrorCode, CONFIDENCE_THRESHOLDS, type IntentClassification, type IntentDefinition, type IntentTrainingOptions } from '@bottango/core';
import type { IntentDataset, IntentExample } from './intent-dataset.js';
import { SMALL_BOTS_JUNK, type SmallBotsJunkInput } from './small-bots-junk.js';

/** What the protocol needs of a matcher: an `IntentMatcher` fits; `classify` may also return a promise (an outside engine). */
export interface SmallBotsMatcher {
  readonly id: string;
  train(intents: readonly IntentDefinition[], options?: IntentTrainingOptions): Promise<SmallBotsClassifier>;
}

export interface SmallBotsClassifier {
  classify(text: string): IntentClassification | PromiseLike<IntentClassification>;
}

export type SmallBotsSplit = 'test' | 'val';

/** The kind of an input a bot is asked. `other-intent` and `oos` together are its out-of-scope inputs. */
export type SmallBotsInputKind = 'in-scope' | 'other-intent' | 'oos' | 'junk';

/** One classified input, for `onResult`. */
export interface SmallBotsResult {
  readonly bot: number;
  readonly kind: SmallBotsInputKind;
  readonly text: string;
  /** The intent it belongs to (in-scope and other-intent), `oos`, or the junk group. */
  readonly label: string;
  /** Top intent (undefined when the matcher ranked none) and its score (clamped to [0, 1]; not a number counts 0). */
  readonly intent: string | undefined;
  readonly score: number;
}

export interface SmallBotsOptions {
  /** K: intents per bot. */
  readonly intents: number;
  /** P: training phrases per intent, drawn from train (all of them when an intent has fewer). */
  readonly phrases: number;
  /** N: how many bots. Bot `b` depends only on the seed and `b`: 10 bots are the first 10 of 20. */
  readonly bots: number;
  /** Seed of the draws (an integer; taken as unsigned 32-bit). */
  readonly seed: number;
  /** Where the inputs come from (never train). Default `test`. Tune on `val` (and train folds), never on `test`. */
  readonly split?: SmallBotsSplit;
  /** Makes a fresh matcher for each bot. */
  readonly matcher: () => SmallBotsMatcher;
  /** Label of out-of-scope examples. Default `oos`. */
  readonly outOfScopeIntent?: string;
  /** In-scope inputs per chosen intent (at most). Default 20. */
  readonly inScopePerIntent?: number;
  /** Inputs from intents the bot does not have (at most). Default 200. */
  readonly otherIntentInputs?: number;
  /** `oos` inputs (at most; CLINC150 val has only 100). Default 200. */
  readonly oosInputs?: number;
  /** Junk inputs, asked of every bot. Default `SMALL_BOTS_JUNK` (60). */
  readonly junk?: readonly SmallBotsJunkInput[];
  /** A top score at or above this accepts. Default GOOD (0.60). */
  readonly threshold?: number;
  /** Called after each bot. */
  readonly onBot?: (done: number, total: number) => void;
  /** Called for every classified input (e.g. to list the junk a bot accepts). */
  readonly onResult?: (result: SmallBotsResult) => void;
}

/** The six figures of one bot (or their mean, min or max over the bots). */
export interface SmallBotsMetrics {
  /** In-scope inputs whose top intent is right with a score at or above the threshold. */
  readonly accAtGood: number;
  /** In-scope inputs whose top intent is right, whatever the score. */
  readonly top1: number;
  /**
   * Inputs of other intents of the dataset accepted (top score at or above the threshold), whatever the intent; null
   * when the dataset had none to ask (every intent is in the bot).
   */
  readonly otherIntentFalseAccept: number | null;
  /** `oos` inputs accepted; null when the dataset has no `oos` inputs in the split. */
  readonly oosFalseAccept: number | null;
  /** Junk inputs accepted. */
  readonly junkFalseAccept: number;
  /**
   * Expected calibration error over 10 equal bins of the top score, on in-scope and out-of-scope inputs (not junk):
   * Σ (bin count / total) × |share correct − mean top score|. In-scope: correct when the top intent is right.
   * Out-of-scope: never correct (no intent of the bot is what was meant, so the ideal score is 0 and any accept is wrong).
   */
  readonly ece: number;
}

export const SMALL_BOTS_METRICS: readonly (keyof SmallBotsMetrics)[] = ['accAtGood', 'top1', 'otherIntentFalseAccept', 'oosFalseAccept', 'junkFalseAccept', 'ece'];

export interface SmallBotReport extends SmallBotsMetrics {
  readonly bot: number;
  /** The bot's intents, in the order drawn. */
  readonly intentIds: readonly string[];
  readonly trainPhrases: number;
  readonly inScope: number;
  readonly otherIntent: number;
  readonly oos: number;
  readonly junk: number;
  readonly trainSeconds: number;
}

export interface SmallBotsSpread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** Pooled over every bot's in-scope and out-of-scope inputs (as the ECE counts them). */
export interface SmallBotsReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Mean top score in the bin (0 when empty). */
  readonly confidence: number;
  /** Share correct in the bin (0 when empty). */
  readonly accuracy: number;
}

export interface SmallBotsJunkAccept {
  readonly text: string;
  readonly group: string;
  /** Bots that accepted it. */
  readonly acceptedBy: number;
  readonly meanScore: number;
}

export interface SmallBotsReport {
  readonly dataset: string;
  readonly matcher: string;
  readonly split: SmallBotsSplit;
  readonly intents: number;
  readonly phrases: number;
  readonly bots: number;
  readonly seed: number;
  readonly threshold: number;
  /** Mean, min and max over the bots of each figure (over the bots that have it; null when none has). */
  readonly summary: { readonly [K in keyof SmallBotsMetrics]: null extends SmallBotsMetrics[K] ? SmallBotsSpread | null : SmallBotsSpread };
  readonly perBot: readonly SmallBotReport[];
  /** Ten bins of [0, 1], empty ones included. */
  readonly reliability: readonly SmallBotsReliabilityBin[];
  /** Top-score histograms pooled over the bots: `bins` counts per 1/bins of [0, 1], last bin closed. */
  readonly distributions: { readonly bins: number; readonly inScope: readonly number[]; readonly outOfScope: readonly number[]; readonly junk: readonly number[] };
  /** Every junk input with how many bots accepted it, most accepted first. */
  readonly junkAccepts: readonly SmallBotsJunkAccept[];
}

const RELIABILITY_BINS = 10;
const DISTRIBUTION_BINS = 20;

/** A 32-bit integer hash (splitmix32's finaliser, hash-prospector constants). */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/**
 * The generator of bot `bot` under `seed` (splitmix32, numbers in [0, 1)): independent of the number of bots, and the
 * same in every JavaScript engine.
 */
export function smallBotRandom(seed: number, bot: number): () => number {
  let state = mix32((seed >>> 0) ^ mix32(bot + 0x51ed270b));
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state) / 4294967296;
  };
}

/** `k` items drawn without replacement (partial Fisher–Yates), in draw order; all of them (shuffled) when fewer. */
function sample<T>(items: readonly T[], k: number, random: () => number): T[] {
  const copy = [...items];
  const n = Math.min(k, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

function bin(score: number, bins: number): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(score * bins)));
}

function cleanScore(score: number | undefined): number {
  return typeof score === 'number' && Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new BottangoError(BottangoErrorCode.InvalidValue, `small bots: ${name} must be an integer ≥ ${min}, got ${value}`);
}

interface Scored {
  readonly kind: SmallBotsInputKind;
  readonly correct: boolean;
  readonly score: number;
}

/** Expected calibration error of `scored` (in-scope and out-of-scope only) over 10 bins. */
function expectedCalibrationError(scored: readonly Scored[]): number {
  const count = new Array<number>(RELIABILITY_BINS).fill(0);
  const sum = new Array<number>(RELIABILITY_BINS).fill(0);
  const right = new Array<number>(RELIABILITY_BINS).fill(0);
  for (const s of scored) {
    const b = bin(s.score, RELIABILITY_BINS);
    count[b]! += 1;
    sum[b]! += s.score;
    if (s.correct) right[b]! += 1;
  }
  const total = scored.length;
  if (total === 0) return 0;
  let ece = 0;
  for (let b = 0; b < RELIABILITY_BINS; b++) {
    const n = count[b]!;
    if (n > 0) ece += (n / total) * Math.abs(right[b]! / n - sum[b]! / n);
  }
  return ece;
}

/**
 * Runs the small-bot protocol. For bot `b` (generator `smallBotRandom(seed, b)`), in this order:
 * 1. K intents drawn from the dataset's in-scope intents that have train examples (sorted by ID before drawing);
 * 2. for each chosen intent, P of its train phrases (file order before drawing);
 * 3. for each chosen intent, up to `inScopePerIntent` of its examples of the split;
 * 4. `otherIntentInputs` examples of the split from the in-scope intents not chosen;
 * 5. `oosInputs` `oos` examples of the split;
 * then every junk input. A fresh matcher (`matcher()`) trains on the bot's phrases and classifies all of them.
 */
export async function evaluateSmallBots(dataset: IntentDataset, options: SmallBotsOptions): Promise<SmallBotsReport> {
  checkCount('intents', options.intents, 1);
  checkCount('phrases', options.phrases, 1);
  checkCount('bots', options.bots, 1);
  if (!Number.isInteger(options.seed)) throw new BottangoError(BottangoErrorCode.InvalidValue, `small bots: seed must be an integer, got ${options.seed}`);
  const split = options.split ?? 'test';
  if (split !== 'test' && split !== 'val') throw new BottangoError(BottangoErrorCode.InvalidValue, `small bots: split must be test or val, got ${String(split)}`);
  const oosLabel = options.outOfScopeIntent ?? 'oos';
  const perIntent = options.inScopePerIntent ?? 20;
  const otherCount = options.otherIntentInputs ?? 200;
  const oosCount = options.oosInputs ?? 200;
  const junk = options.junk ?? SMALL_BOTS_JUNK;
  const threshold = options.threshold ?? CONFIDENCE_THRESHOLDS.GOOD;

  const trainByIntent = new Map<string, string[]>();
  const splitByIntent = new Map<string, IntentExample[]>();
  const oosExamples: IntentExample[] = [];
  for (const e of dataset.examples) {
    if (e.intent === oosLabel) {
      if (e.split === split) oosExamples.push(e);
      continue;
    }
    if (e.split === 'train') {
      let list = trainByIntent.get(e.intent);
      if (list === undefined) trainByIntent.set(e.intent, (list = []));
      list.push(e.text);
    } else if (e.split === split) {
      let list = splitByIntent.get(e.intent);
      if (list === undefined) splitByIntent.set(e.intent, (list = []));
      list.push(e);
    }
  }
  const eligible = [...trainByIntent.keys()].sort();
  if (eligible.length < options.intents) {
    throw new BottangoError(BottangoErrorCode.InvalidDataset, `small bots: ${options.intents} intents per bot asked, the dataset has ${eligible.length} in-scope intents with train examples`, { where: dataset.file });
  }
  if (splitByIntent.size === 0) throw new BottangoError(BottangoErrorCode.InvalidDataset, `small bots: the dataset has no in-scope ${split} examples`, { where: dataset.file });
  const splitIntents = [...splitByIntent.keys()].sort();

  const reliabilityCount = new Array<number>(RELIABILITY_BINS).fill(0);
  const reliabilitySum = new Array<number>(RELIABILITY_BINS).fill(0);
  const reliabilityRight = new Array<number>(RELIABILITY_BINS).fill(0);
  const histogram = { inScope: new Array<number>(DISTRIBUTION_BINS).fill(0), outOfScope: new Array<number>(DISTRIBUTION_BINS).fill(0), junk: new Array<number>(DISTRIBUTION_BINS).fill(0) };
  const junkAccepted = junk.map(() => 0);
  const junkScoreSum = junk.map(() => 0);
  const perBot: SmallBotReport[] = [];
  let matcherId = '';

  for (let b = 0; b < options.bots; b++) {
    const random = smallBotRandom(options.seed, b);
    const chosen = sample(eligible, options.intents, random);
    const definitions: IntentDefinition[] = chosen.map((id) => ({ id, name: id, trainingPhrases: sample(trainByIntent.get(id) ?? [], options.phrases, random) }));
    const inScope = chosen.flatMap((id) => sample(splitByIntent.get(id) ?? [], perIntent, random));
    const chosenSet = new Set(chosen);
    const others = sample(
      splitIntents.filter((id) => !chosenSet.has(id)).flatMap((id) => splitByIntent.get(id) ?? []),
      otherCount,
      random,
    );
    const oos = sample(oosExamples, oosCount, random);

    const matcher = options.matcher();
    matcherId = matcher.id;
    const trainStart = performance.now();
    const classifier = await matcher.train(definitions);
    const trainSeconds = (performance.now() - trainStart) / 1000;
    const top = async (text: string): Promise<{ intent: string | undefined; score: number }> => {
      const best = (await classifier.classify(text)).ranked[0];
      return { intent: best?.intentId, score: cleanScore(best?.score) };
    };

    const scored: Scored[] = [];
    let right = 0;
    let rightAtGood = 0;
    const inputs: { kind: SmallBotsInputKind; text: string; label: string }[] = [
      ...inScope.map((e) => ({ kind: 'in-scope' as const, text: e.text, label: e.intent })),
      ...others.map((e) => ({ kind: 'other-intent' as const, text: e.text, label: e.intent })),
      ...oos.map((e) => ({ kind: 'oos' as const, text: e.text, label: e.intent })),
    ];
    let otherAccepted = 0;
    let oosAccepted = 0;
    for (const input of inputs) {
      const { intent, score } = await top(input.text);
      options.onResult?.({ bot: b, kind: input.kind, text: input.text, label: input.label, intent, score });
      const correct = input.kind === 'in-scope' && intent === input.label;
      if (correct) {
        right++;
        if (score >= threshold) rightAtGood++;
      }
      if (input.kind === 'other-intent' && score >= threshold) otherAccepted++;
      if (input.kind === 'oos' && score >= threshold) oosAccepted++;
      scored.push({ kind: input.kind, correct, score });
      const r = bin(score, RELIABILITY_BINS);
      reliabilityCount[r]! += 1;
      reliabilitySum[r]! += score;
      if (correct) reliabilityRight[r]! += 1;
      (input.kind === 'in-scope' ? histogram.inScope : histogram.outOfScope)[bin(score, DISTRIBUTION_BINS)]! += 1;
    }
    let junkAcceptedHere = 0;
    for (let j = 0; j < junk.length; j++) {
      const input = junk[j]!;
      const { intent, score } = await top(input.text);
      options.onResult?.({ bot: b, kind: 'junk', text: input.text, label: input.group, intent, score });
      histogram.junk[bin(score, DISTRIBUTION_BINS)]! += 1;
      junkScoreSum[j]! += score;
      if (score >= threshold) {
        junkAcceptedHere++;
        junkAccepted[j]! += 1;
      }
    }
    const share = (n: number, d: number): number => (d === 0 ? 0 : n / d);
    perBot.push({
      bot: b,
      intentIds: chosen,
      trainPhrases: definitions.reduce((s, d) => s + d.trainingPhrases.length, 0),
      inScope: inScope.length,
      otherIntent: others.length,
      oos: oos.length,
      junk: junk.length,
      trainSeconds,
      accAtGood: share(rightAtGood, inScope.length),
      top1: share(right, inScope.length),
      otherIntentFalseAccept: others.length === 0 ? null : otherAccepted / others.length,
      oosFalseAccept: oos.length === 0 ? null : oosAccepted / oos.length,
      junkFalseAccept: share(junkAcceptedHere, junk.length),
      ece: expectedCalibrationError(scored),
    });
    options.onBot?.(b + 1, options.bots);
  }

  const spread = (key: keyof SmallBotsMetrics): SmallBotsSpread | null => {
    const values = perBot.map((r) => r[key]).filter((v): v is number => v !== null);
    if (values.length === 0) return null;
    return { mean: values.reduce((s, v) => s + v, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
  };
  const summary = Object.fromEntries(SMALL_BOTS_METRICS.map((key) => [key, spread(key)])) as unknown as SmallBotsReport['summary'];

  return {
    dataset: dataset.file,
    matcher: matcherId,
    split,
    intents: options.intents,
    phrases: options.phrases,
    bots: options.bots,
    seed: options.seed,
    threshold,
    summary,
    perBot,
    reliability: reliabilityCount.map((count, b) => ({
      from: b / RELIABILITY_BINS,
      to: (b + 1) / RELIABILITY_BINS,
      count,
      confidence: count === 0 ? 0 : reliabilitySum[b]! / count,
      accuracy: count === 0 ? 0 : reliabilityRight[b]! / count,
    })),
    distributions: { bins: DISTRIBUTION_BINS, ...histogram },
    junkAccepts: junk
      .map((input, j) => ({ text: input.text, group: input.group, acceptedBy: junkAccepted[j]!, meanScore: junkScoreSum[j]! / options.bots }))
      .sort((x, y) => y.acceptedBy - x.acceptedBy || y.meanScore - x.meanScore),
  };
}

export { SMALL_BOTS_JUNK, type SmallBotsJunkInput, type SmallBotsJunkGroup } from './small-bots-junk.js';
export { loadIntentDataset, type IntentDataset, type IntentExample } from './intent-dataset.js';
export { formatSmallBotsReport } from './small-bots-format.js';
export { renderSmallBotsSvg } from './small-bots-plot.js';

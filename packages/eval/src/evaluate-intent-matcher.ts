import { BottangoError, BottangoErrorCode, CONFIDENCE_THRESHOLDS, type IntentDefinition, type IntentMatcher } from '@bottango/core';
import type { IntentDataset } from './intent-dataset.js';
import { quantile } from './quantile.js';
import { timeEach } from './timing.js';

export interface IntentEvalOptions {
  /** Label of out-of-scope examples. Default `oos`. When the data has it, the matcher is trained on in-scope intents only. */
  readonly outOfScopeIntent?: string;
  /** Called while training (`train`), warming up (`warm-up`: every training text classified once, not timed) and classifying the test split (`evaluate`). */
  readonly onProgress?: (phase: 'train' | 'warm-up' | 'evaluate', done: number, total: number) => void;
}

export interface IntentF1 {
  readonly intent: string;
  readonly f1: number;
  readonly support: number;
}

export interface ConfusedPair {
  readonly expected: string;
  readonly predicted: string;
  readonly count: number;
}

export interface ReliabilityBucket {
  /** Scores in [from, to). */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Share of these predictions whose top intent was right. */
  readonly accuracy: number;
}

export interface IntentEvalReport {
  readonly dataset: string;
  readonly matcher: string;
  readonly intents: number;
  readonly trainExamples: number;
  readonly testExamples: number;
  /** Share of test examples predicted right (for data with out-of-scope: a top score below GOOD predicts out-of-scope). */
  readonly accuracy: number;
  readonly macroF1: number;
  /** The ten intents with the lowest F1. */
  readonly worstIntents: readonly IntentF1[];
  readonly topConfusions: readonly ConfusedPair[];
  /** Only for data with out-of-scope examples. */
  readonly inScopeAccuracy?: number;
  readonly oosRecall?: number;
  readonly oosPrecision?: number;
  readonly reliability: readonly ReliabilityBucket[];
  readonly trainSeconds: number;
  /** Classifications run before the test split was timed (every training text once, as `pnpm bench nlu` does). */
  readonly warmUp: number;
  /** Test utterances per second of classify time, warm (after `warmUp`). */
  readonly utterancesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly peakRssMb: number;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Trains `matcher` on the `train` split and measures it on the `test` split. Nothing is tuned on test. */
export async function evaluateIntentMatcher(matcher: IntentMatcher, dataset: IntentDataset, options: IntentEvalOptions = {}): Promise<IntentEvalReport> {
  const oos = options.outOfScopeIntent ?? 'oos';
  const train = dataset.examples.filter((e) => e.split === 'train');
  const test = dataset.examples.filter((e) => e.split === 'test');
  if (train.length === 0 || test.length === 0) {
    throw new BottangoError(BottangoErrorCode.InvalidDataset, `dataset needs train and test examples (has ${train.length} train, ${test.length} test)`, { where: dataset.file });
  }
  const hasOos = dataset.examples.some((e) => e.intent === oos);
  const byIntent = new Map<string, string[]>();
  for (const e of train) {
    if (hasOos && e.intent === oos) continue;
    let phrases = byIntent.get(e.intent);
    if (phrases === undefined) byIntent.set(e.intent, (phrases = []));
    phrases.push(e.text);
  }
  const intents: IntentDefinition[] = [...byIntent].map(([id, trainingPhrases]) => ({ id, name: id, trainingPhrases }));

  const trainStart = performance.now();
  const classifier = await matcher.train(intents, { onProgress: (done, total) => options.onProgress?.('train', done, total) });
  const trainSeconds = (performance.now() - trainStart) / 1000;

  // Warm, as in `pnpm bench nlu` (same helper): every training text is classified once through the timing loop first.
  const progress = (phase: 'warm-up' | 'evaluate') => (done: number, total: number) => {
    if (done % Math.max(1, Math.floor(total / 100)) === 0 || done === total) options.onProgress?.(phase, done, total);
  };
  // Only the top intent is kept per call (as the bench keeps intent and score), not every ranked list until the end.
  const timed = await timeEach(test.map((e) => e.text), (text) => classifier.classify(text).ranked[0], {
    warmUp: intents.flatMap((i) => i.trainingPhrases),
    onWarmUp: progress('warm-up'),
    onEach: progress('evaluate'),
  });
  const latencies = timed.sortedLatenciesMs;
  const predictions = test.map((example, i) => {
    const best = timed.results[i];
    const top = best?.intentId;
    const score = best?.score ?? 0;
    const predicted = hasOos ? (best !== undefined && score >= CONFIDENCE_THRESHOLDS.GOOD ? best.intentId : oos) : (top ?? '(none)');
    return { example, predicted, top, score };
  });

  const correct = predictions.filter((p) => p.predicted === p.example.intent).length;
  const labels = new Set<string>(test.map((e) => e.intent));
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const pairs = new Map<string, number>();
  const add = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  for (const p of predictions) {
    if (p.predicted === p.example.intent) add(tp, p.predicted);
    else {
      add(fp, p.predicted);
      add(fn, p.example.intent);
      add(pairs, `${p.example.intent}\u0000${p.predicted}`);
    }
  }
  const perIntent: IntentF1[] = [...labels].map((intent) => {
    const t = tp.get(intent) ?? 0;
    const precisionDen = t + (fp.get(intent) ?? 0);
    const recallDen = t + (fn.get(intent) ?? 0);
    const precision = precisionDen === 0 ? 0 : t / precisionDen;
    const recall = recallDen === 0 ? 0 : t / recallDen;
    return { intent, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall), support: recallDen };
  });
  const macroF1 = perIntent.reduce((s, x) => s + x.f1, 0) / Math.max(1, perIntent.length);

  const buckets = Array.from({ length: 10 }, (_, k) => ({ from: k / 10, to: (k + 1) / 10, count: 0, right: 0 }));
  for (const p of predictions) {
    const bucket = buckets[Math.min(9, Math.max(0, Math.floor(p.score * 10)))];
    if (bucket === undefined) continue;
    bucket.count++;
    if (p.top === p.example.intent) bucket.right++;
  }

  let oosFigures: { inScopeAccuracy: number; oosRecall: number; oosPrecision: number } | undefined;
  if (hasOos) {
    const inScope = predictions.filter((p) => p.example.intent !== oos);
    const outOfScope = predictions.filter((p) => p.example.intent === oos);
    const predictedOos = predictions.filter((p) => p.predicted === oos);
    oosFigures = {
      inScopeAccuracy: inScope.filter((p) => p.predicted === p.example.intent).length / Math.max(1, inScope.length),
      oosRecall: outOfScope.filter((p) => p.predicted === oos).length / Math.max(1, outOfScope.length),
      oosPrecision: predictedOos.filter((p) => p.example.intent === oos).length / Math.max(1, predictedOos.length),
    };
  }

  return {
    dataset: dataset.file,
    matcher: matcher.id,
    intents: intents.length,
    trainExamples: intents.reduce((s, i) => s + i.trainingPhrases.length, 0),
    testExamples: test.length,
    accuracy: correct / test.length,
    macroF1,
    worstIntents: [...perIntent].sort((a, b) => a.f1 - b.f1 || (a.intent < b.intent ? -1 : 1)).slice(0, 10),
    topConfusions: [...pairs]
      .map(([key, count]) => {
        const [expected = '', predicted = ''] = key.split('\u0000');
        return { expected, predicted, count };
      })
      .sort((a, b) => b.count - a.count || (a.expected < b.expected ? -1 : 1))
      .slice(0, 10),
    ...oosFigures,
    reliability: buckets.filter((b) => b.count > 0).map((b) => ({ from: b.from, to: b.to, count: b.count, accuracy: b.right / b.count })),
    trainSeconds,
    warmUp: timed.warmUp,
    utterancesPerSecond: timed.perSecond,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    peakRssMb: peakRssMb(),
  };
}

import type { IntentClassification, IntentClassifier, IntentScore } from '@bottango/core';
import type { SoftmaxModel } from './softmax-model.js';
import type { TextFeaturizer } from './text-features.js';

/**
 * Maps the model's evidence for an intent to a confidence in [0, 1]:
 * `sigmoid(slope · ln p + logitSlope · logit + offset) × min(1, known / required)²`, where `p` is the softmax
 * probability, `logit` the raw class score and `known` the share of the text's content words (not stop words) whose
 * stem was seen in training. `required` is `fullEvidenceShare` on large training sets and rises linearly to
 * `smallBotEvidenceShare` as the training set shrinks below `smallBotExamples` phrases: a small bot has seen few
 * words, so one shared word is weak evidence. Fitted on CLINC150 `val` (see README).
 */
export interface ConfidenceCalibration {
  readonly slope: number;
  readonly logitSlope: number;
  readonly offset: number;
  readonly fullEvidenceShare: number;
  readonly smallBotEvidenceShare: number;
  readonly smallBotExamples: number;
}

export const DEFAULT_CONFIDENCE_CALIBRATION: ConfidenceCalibration = {
  slope: 2.1265,
  logitSlope: 0.2046,
  offset: 2.81,
  fullEvidenceShare: 0.34,
  smallBotEvidenceShare: 2 / 3,
  smallBotExamples: 1000,
};

/** Share of known content words a text needs for full confidence, for a training set of `examples` phrases. */
export function requiredEvidenceShare(calibration: ConfidenceCalibration, examples: number): number {
  const smallness = Math.max(0, 1 - examples / calibration.smallBotExamples);
  return calibration.fullEvidenceShare + (calibration.smallBotEvidenceShare - calibration.fullEvidenceShare) * smallness;
}

const NO_SCORES: readonly IntentScore[] = [];
/** Low mantissa bits of a sort key that carry the (inverted) class position: ties keep class order. */
const INDEX_BITS = 0xffff;

/** A trained classifier: featurizer + softmax model + calibration. Immutable from outside; classify is synchronous. */
export class NaturalIntentClassifier implements IntentClassifier {
  private readonly logits: Float64Array;
  /** Sort keys (one per returned class) and their raw bits, to sort natively and recover the class from the key. */
  private readonly keys: Float64Array;
  private readonly keyBits: Uint32Array;
  private readonly lowWord: number;
  private readonly returned: Uint32Array;
  private readonly returnedIds: readonly string[];
  private readonly zeroRanked: readonly IntentScore[];
  private readonly requiredShare: number;

  constructor(
    readonly featurizer: TextFeaturizer,
    readonly model: SoftmaxModel,
    /** Class labels of the model, in class order (including out-of-scope classes). */
    readonly classIds: readonly string[],
    /** Classes trained as "none of these": they take probability mass but are never returned. */
    readonly outOfScopeIds: readonly string[],
    readonly calibration: ConfidenceCalibration,
    /** Number of training phrases (sets how much known vocabulary full confidence needs). */
    readonly trainingExamples: number,
  ) {
    this.logits = new Float64Array(model.classCount);
    const hidden = new Set(outOfScopeIds);
    this.returned = Uint32Array.from(classIds.flatMap((id, c) => (hidden.has(id) ? [] : [c])));
    this.returnedIds = [...this.returned].map((c) => classIds[c] as string);
    this.keys = new Float64Array(this.returned.length);
    this.keyBits = new Uint32Array(this.keys.buffer);
    this.lowWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
    this.zeroRanked = this.returnedIds.map((intentId) => ({ intentId, score: 0 })).sort((a, b) => (a.intentId < b.intentId ? -1 : 1));
    this.requiredShare = requiredEvidenceShare(calibration, trainingExamples);
    if (this.returned.length > INDEX_BITS) throw new RangeError(`at most ${INDEX_BITS} intents are supported, got ${this.returned.length}`);
  }

  classify(text: string): IntentClassification {
    const featurizer = this.featurizer;
    const length = featurizer.featurize(text);
    const knownShare = featurizer.knownShare;
    // Nothing known at all: every score is 0. With some features but no known content word, the ranking is kept
    // (it is still the model's best guess) and every score is 0.
    if (length === 0) return { ranked: this.zeroRanked.length > 0 ? this.zeroRanked : NO_SCORES };
    const logits = this.logits;
    const C = this.model.classCount;
    this.model.logits(featurizer.ids, featurizer.values, length, logits);
    let max = -Infinity;
    let min = Infinity;
    for (let c = 0; c < C; c++) {
      const l = logits[c] as number;
      if (l > max) max = l;
      if (l < min) min = l;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp((logits[c] as number) - max);
    const logSum = Math.log(sum) + max;
    const { slope, logitSlope, offset } = this.calibration;
    const evidence = Math.min(1, knownShare / this.requiredShare);
    const weight = evidence * evidence;

    // Sort natively: key = logit shifted positive, with the inverted class position in the low mantissa bits.
    const { keys, keyBits, lowWord, returned, returnedIds } = this;
    const n = returned.length;
    for (let k = 0; k < n; k++) {
      keys[k] = (logits[returned[k] as number] as number) - min + 1;
      const w = 2 * k + lowWord;
      keyBits[w] = (((keyBits[w] as number) & ~INDEX_BITS) | (INDEX_BITS - k)) >>> 0;
    }
    keys.sort();
    const ranked: IntentScore[] = new Array<IntentScore>(n);
    let previous = Infinity;
    for (let r = 0; r < n; r++) {
      const k = INDEX_BITS - ((keyBits[2 * (n - 1 - r) + lowWord] as number) & INDEX_BITS);
      const logit = logits[returned[k] as number] as number;
      const z = slope * (logit - logSum) + logitSlope * logit + offset;
      // Keys drop 16 bits of precision: never let a near-tie put a higher score after a lower one.
      const score = Math.min(previous, weight / (1 + Math.exp(-z)));
      previous = score;
      ranked[r] = { intentId: returnedIds[k] as string, score };
    }
    return { ranked };
  }
}

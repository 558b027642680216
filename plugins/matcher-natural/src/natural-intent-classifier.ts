import type { IntentClassification, IntentClassifier, IntentScore } from '@bottango/core';
import type { SoftmaxModel } from './softmax-model.js';
import type { TextFeaturizer } from './text-features.js';

/**
 * Maps the model's evidence for an intent to a confidence in [0, 1]:
 * `sigmoid(slope · ln p + logitSlope · logit + offset)`, times min(1, 2 × share of the words the model knows).
 * `p` is the softmax probability, `logit` the raw class score. Fitted on CLINC150 `val` (see README).
 */
export interface ConfidenceCalibration {
  readonly slope: number;
  readonly logitSlope: number;
  readonly offset: number;
}

export const DEFAULT_CONFIDENCE_CALIBRATION: ConfidenceCalibration = { slope: 2.1265, logitSlope: 0.2046, offset: 2.81 };

const NO_SCORES: readonly IntentScore[] = [];

/** A trained classifier: featurizer + softmax model + calibration. Immutable and safe to share. */
export class NaturalIntentClassifier implements IntentClassifier {
  private readonly logits: Float64Array;
  private readonly order: Uint32Array;
  private readonly returned: Uint32Array;
  private readonly zeroRanked: readonly IntentScore[];

  constructor(
    readonly featurizer: TextFeaturizer,
    readonly model: SoftmaxModel,
    /** Class labels of the model, in class order (including out-of-scope classes). */
    readonly classIds: readonly string[],
    /** Classes trained as "none of these": they take probability mass but are never returned. */
    readonly outOfScopeIds: readonly string[],
    readonly calibration: ConfidenceCalibration,
  ) {
    this.logits = new Float64Array(model.classCount);
    const hidden = new Set(outOfScopeIds);
    this.returned = Uint32Array.from(classIds.flatMap((id, c) => (hidden.has(id) ? [] : [c])));
    this.order = new Uint32Array(this.returned.length);
    this.zeroRanked = [...this.returned].map((c) => ({ intentId: classIds[c] as string, score: 0 })).sort((a, b) => (a.intentId < b.intentId ? -1 : 1));
  }

  classify(text: string): IntentClassification {
    const { vector, knownWordShare } = this.featurizer.vectorizeWithCoverage(text);
    if (vector.ids.length === 0 || knownWordShare === 0) return { ranked: this.zeroRanked.length > 0 ? this.zeroRanked : NO_SCORES };
    const logits = this.logits;
    const C = this.model.classCount;
    this.model.logits(vector, logits);
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[c] as number);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp((logits[c] as number) - max);
    const logSum = Math.log(sum) + max;
    const { slope, logitSlope, offset } = this.calibration;
    /** Texts where most words are unknown are not trusted: full weight from half the words known. */
    const coverage = Math.min(1, 2 * knownWordShare);
    const order = this.order;
    order.set(this.returned);
    order.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
    const ranked: IntentScore[] = new Array(order.length);
    for (let k = 0; k < order.length; k++) {
      const c = order[k] as number;
      const logit = logits[c] as number;
      const z = slope * (logit - logSum) + logitSlope * logit + offset;
      ranked[k] = { intentId: this.classIds[c] as string, score: coverage / (1 + Math.exp(-z)) };
    }
    return { ranked };
  }
}

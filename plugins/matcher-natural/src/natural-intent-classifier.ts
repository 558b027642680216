import type { IntentClassification, IntentClassifier, IntentScore } from '@bottango/core';
import type { SemanticEvidence } from './semantic-evidence.js';
import type { SoftmaxModel } from './softmax-model.js';
import type { AnalysedWord, TextFeaturizer } from './text-features.js';

/**
 * Maps the model's evidence for an intent to a confidence in [0, 1]. Two parts, blended by the size of the training set:
 *
 * - the corpus calibration `sigmoid(slope · ln p + logitSlope · logit + offset) × min(1, known / required)²`, where `p`
 *   is the softmax probability, `logit` the raw class score and `known` the share of the text's content words (not
 *   stop words) whose stem was seen in training; `required` is `fullEvidenceShare` on large training sets and rises
 *   linearly to `smallBotEvidenceShare` as the training set shrinks below `smallBotExamples` phrases;
 * - the small-bot calibration `smallBot` (a logistic model of ln p, the logit, the margin to the next class, the known
 *   share, the training set size and what word vectors say, see `SemanticEvidence`): alone below `smallBotOnlyBelow`
 *   phrases, then weighted down linearly to 0 at `smallBotExamples` phrases, from where the corpus calibration alone
 *   applies.
 *
 * In both, a text without a content word ("what", "can you", "please") has no evidence unless the best intent was
 * itself trained with a phrase without content word ("what can you do", "yes"). Fitted on CLINC150 `val` (see README).
 */
export interface ConfidenceCalibration {
  readonly slope: number;
  readonly logitSlope: number;
  readonly offset: number;
  readonly fullEvidenceShare: number;
  readonly smallBotEvidenceShare: number;
  readonly smallBotExamples: number;
  readonly smallBotOnlyBelow: number;
  readonly smallBot: SmallBotCalibration;
}

/**
 * `sigmoid(offset + logProbability · ln p + logit · logit + margin · (logit − best other logit) + knownShare · (evidence +
 * evidencePerLogExamples · ln n) + logExamples · ln n + noContent · [no evidence: see above] + similarity · s_c +
 * similarityMargin · (s_c − best other s) + softEvidence · e_c + botSoftEvidence · e_bot)`, n = training phrases, and
 * s, e the word-vector measures of `SemanticEvidence` (0 without word vectors).
 */
export interface SmallBotCalibration {
  readonly offset: number;
  readonly logProbability: number;
  readonly logit: number;
  readonly margin: number;
  readonly evidence: number;
  readonly evidencePerLogExamples: number;
  readonly logExamples: number;
  readonly noContent: number;
  readonly similarity: number;
  readonly similarityMargin: number;
  readonly softEvidence: number;
  readonly botSoftEvidence: number;
  /**
   * Then the score s is mapped through these knots `[s, mapped]` (piecewise linear, strictly increasing): every band
   * edge (0.30, 0.45, 0.60, 0.75) maps to itself, so no text changes band and no two scores change order, while within
   * each band the score moves to the share of right answers seen there on CLINC150 val (kept inside the band).
   */
  readonly bandMap: readonly (readonly [number, number])[];
}

export const DEFAULT_CONFIDENCE_CALIBRATION: ConfidenceCalibration = {
  slope: 2.1265,
  logitSlope: 0.2046,
  offset: 2.81,
  fullEvidenceShare: 0.34,
  smallBotEvidenceShare: 2 / 3,
  smallBotExamples: 1000,
  smallBotOnlyBelow: 500,
  smallBot: {
    offset: -3.2609,
    logProbability: 1.1512,
    logit: 0.6985,
    margin: 0.1124,
    evidence: 5.5459,
    evidencePerLogExamples: -0.7184,
    logExamples: -0.0841,
    noContent: -2.9726,
    similarity: 0.2831,
    similarityMargin: 8.9715,
    softEvidence: 3.9577,
    botSoftEvidence: -2.6311,
    bandMap: [
      [0.0, 0.0],
      [0.0026, 0.0013],
      [0.0143, 0.0038],
      [0.04, 0.012],
      [0.1445, 0.0535],
      [0.3, 0.3],
      [0.3162, 0.3016],
      [0.3505, 0.305],
      [0.3884, 0.3088],
      [0.4287, 0.3129],
      [0.45, 0.45],
      [0.4674, 0.4517],
      [0.5053, 0.4555],
      [0.5433, 0.4593],
      [0.5818, 0.4632],
      [0.6, 0.6],
      [0.6213, 0.6021],
      [0.6626, 0.6063],
      [0.7002, 0.61],
      [0.734, 0.6134],
      [0.75, 0.75],
      [0.881, 0.7631],
      [0.9773, 0.9314],
      [0.9947, 0.9796],
      [0.9991, 0.9945],
      [1.0, 0.9946],
    ],
  },
};

/** Share of known content words a text needs for full confidence, for a training set of `examples` phrases. */
function requiredEvidenceShare(calibration: ConfidenceCalibration, examples: number): number {
  const smallness = Math.max(0, 1 - examples / calibration.smallBotExamples);
  return calibration.fullEvidenceShare + (calibration.smallBotEvidenceShare - calibration.fullEvidenceShare) * smallness;
}

/** `knots` (x strictly increasing) joined by straight lines; x outside them takes the end values. */
export function piecewiseLinear(knots: readonly (readonly [number, number])[], x: number): number {
  const first = knots[0];
  if (first === undefined) return x;
  if (!(x > first[0])) return first[1]; // also NaN
  for (let k = 1; k < knots.length; k++) {
    const [x1, y1] = knots[k] as readonly [number, number];
    if (x === x1) return y1;
    if (x < x1) {
      const [x0, y0] = knots[k - 1] as readonly [number, number];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return (knots[knots.length - 1] as readonly [number, number])[1];
}

const NO_SCORES: readonly IntentScore[] = [];
/**
 * Scores below this are reported as 0, with one shared (frozen) object per intent: most of a large bot's intents score
 * ~0 on any text, and a new object for each of them on every call was most of what classifying allocated (and so of
 * the garbage collections that make the slowest calls slow).
 */
export const MIN_REPORTED_SCORE = 1e-4;
const CHUNK_BITS = 9;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

/** `a` ranks before `b`: higher logit, or the same logit and the earlier class. */
function before(logits: Float64Array, a: number, b: number): boolean {
  const la = logits[a] as number;
  const lb = logits[b] as number;
  return la > lb || (la === lb && a < b);
}

/** The first class whose logit is `max` (the best class; ties go to the earlier one). */
function firstAt(logits: Float64Array, count: number, max: number): number {
  for (let c = 0; c < count; c++) if ((logits[c] as number) === max) return c;
  return 0;
}

/** Scratch of `rankByLogit`. */
interface RankScratch {
  readonly keys: Uint16Array;
  readonly spare: Int32Array;
  readonly buckets: Int32Array;
}

/**
 * Sorts `order[0..n)` (class indexes) by descending logit, ties in class order, in about 5n steps: a stable two-pass
 * radix sort on the logit quantised to 16 bits, then an insertion pass on the exact logits (the quantisation leaves
 * only near-ties out of order). A comparison sort of 150 classes costs several times more.
 */
function rankByLogit(order: Int32Array, n: number, logits: Float64Array, max: number, min: number, scratch: RankScratch): void {
  const { keys, spare, buckets } = scratch;
  const range = max - min;
  const factor = range > 0 ? 65535 / range : 0;
  for (let k = 0; k < n; k++) {
    const c = order[k] as number;
    keys[c] = Math.floor((max - (logits[c] as number)) * factor);
  }
  let from = order;
  let to = spare;
  for (let shift = 0; shift <= 8; shift += 8) {
    buckets.fill(0);
    for (let k = 0; k < n; k++) {
      const b = ((keys[from[k] as number] as number) >>> shift) & 0xff;
      buckets[b] = (buckets[b] as number) + 1;
    }
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const count = buckets[b] as number;
      buckets[b] = sum;
      sum += count;
    }
    for (let k = 0; k < n; k++) {
      const c = from[k] as number;
      const b = ((keys[c] as number) >>> shift) & 0xff;
      to[buckets[b] as number] = c;
      buckets[b] = (buckets[b] as number) + 1;
    }
    const t = from;
    from = to;
    to = t;
  }
  // Two passes: the result is back in `order`.
  for (let i = 1; i < n; i++) {
    const x = order[i] as number;
    let j = i - 1;
    while (j >= 0 && before(logits, x, order[j] as number)) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = x;
  }
}

/** A trained classifier: featurizer + softmax model + calibration. Immutable from outside; classify is synchronous. */
export class NaturalIntentClassifier implements IntentClassifier {
  private readonly logits: Float64Array;
  /** Scratch: the returned classes, sorted in place per call. */
  private readonly order: Int32Array;
  /**
   * Word class vectors (see `AnalysedWord.vectorSlot`), in chunks of 2^CHUNK_BITS vectors (no object per word), as
   * int16 with one scale per vector (largest |value| / 32767): half the memory of float32, error < 2e-5 of the largest.
   */
  private readonly vectorChunks: Int16Array[] = [];
  private readonly vectorScales: Float32Array[] = [];
  /** Scratch: a word vector before quantisation. */
  private readonly vectorScratch: Float64Array;
  private vectorCount = 0;
  private vectorGeneration = 0;
  private readonly scratch: RankScratch;
  private readonly returned: Uint32Array;
  private readonly returnedIds: readonly string[];
  private readonly zeroRanked: readonly IntentScore[];
  /** Per class index: the shared `{ intentId, score: 0 }` (frozen). */
  private readonly zeroScores: readonly IntentScore[];
  private readonly requiredShare: number;
  /** Weight of the small-bot calibration (1 below `smallBotOnlyBelow` phrases, 0 from `smallBotExamples` on). */
  private readonly smallBotWeight: number;
  /** Per class index: 1 when the class was trained with a phrase without content word. */
  private readonly contentFree: Uint8Array;
  /** The small-bot terms that do not depend on the text: offset + logExamples · ln n. */
  private readonly smallBotBase: number;
  private readonly smallBotEvidence: number;

  /** @internal Made by `NaturalIntentMatcher.train()` or read from a model file. */
  constructor(
    /** @internal */
    readonly featurizer: TextFeaturizer,
    /** @internal */
    readonly model: SoftmaxModel,
    /** Class labels of the model, in class order (including out-of-scope classes). */
    readonly classIds: readonly string[],
    /** Classes trained as "none of these": they take probability mass but are never returned. */
    readonly outOfScopeIds: readonly string[],
    readonly calibration: ConfidenceCalibration,
    /** Number of training phrases (sets how much known vocabulary full confidence needs). */
    readonly trainingExamples: number,
    /** Class indexes trained with at least one phrase without content word (only stop words): "yes", "what can you do". */
    readonly contentFreeClasses: readonly number[] = [],
    /** @internal Word-vector evidence against the training phrases; made for bots under `smallBotExamples` phrases. */
    readonly semantic?: SemanticEvidence,
  ) {
    this.logits = new Float64Array(model.classCount);
    const hidden = new Set(outOfScopeIds);
    this.returned = Uint32Array.from(classIds.flatMap((id, c) => (hidden.has(id) ? [] : [c])));
    this.returnedIds = [...this.returned].map((c) => classIds[c] as string);
    this.order = new Int32Array(this.returned.length);
    this.vectorScratch = new Float64Array(model.classCount);
    this.scratch = { keys: new Uint16Array(classIds.length), spare: new Int32Array(this.returned.length), buckets: new Int32Array(256) };
    this.zeroScores = classIds.map((intentId) => Object.freeze({ intentId, score: 0 }));
    this.zeroRanked = [...this.returned].map((c) => this.zeroScores[c] as IntentScore).sort((a, b) => (a.intentId < b.intentId ? -1 : 1));
    this.requiredShare = requiredEvidenceShare(calibration, trainingExamples);
    const blendPhrases = calibration.smallBotExamples - calibration.smallBotOnlyBelow;
    this.smallBotWeight = Math.min(1, Math.max(0, (calibration.smallBotExamples - trainingExamples) / Math.max(1, blendPhrases)));
    this.contentFree = new Uint8Array(classIds.length);
    for (const c of contentFreeClasses) if (c >= 0 && c < classIds.length) this.contentFree[c] = 1;
    const logExamples = Math.log(Math.max(1, trainingExamples));
    const small = calibration.smallBot;
    this.smallBotBase = small.offset + small.logExamples * logExamples;
    this.smallBotEvidence = small.evidence + small.evidencePerLogExamples * logExamples;
  }

  classify(text: string): IntentClassification {
    const featurizer = this.featurizer;
    const length = featurizer.featurize(text);
    const knownShare = featurizer.knownShare;
    // Nothing known at all: every score is 0. With some features but no known content word, the ranking is kept
    // (it is still the model's best guess) and every score is 0.
    if (length === 0) return { ranked: this.zeroRanked.length > 0 ? this.zeroRanked : NO_SCORES };
    const logits = this.logits;
    const model = this.model;
    const C = model.classCount;
    // logits = bias + scale × Σ word vectors + the sparse rest (bigrams, repeated-feature corrections): the same sum as
    // model.logits over all features, with each word's own features pre-summed (cached per word).
    const bias = model.bias;
    for (let c = 0; c < C; c++) logits[c] = bias[c] as number;
    const scale = featurizer.scale;
    const words = featurizer.words;
    if (this.vectorGeneration !== featurizer.cacheGeneration) {
      // The featuriser dropped its word cache: every slot is stale, reuse the pool from the start.
      this.vectorGeneration = featurizer.cacheGeneration;
      this.vectorCount = 0;
    }
    for (let w = 0; w < featurizer.wordCount; w++) {
      const word = words[w] as AnalysedWord;
      if (word.idCount === 0) continue;
      if (word.vectorGeneration !== this.vectorGeneration) {
        word.vectorSlot = this.wordVector(word.idStart, word.idCount);
        word.vectorGeneration = this.vectorGeneration;
      }
      const chunk = word.vectorSlot >>> CHUNK_BITS;
      const vectors = this.vectorChunks[chunk] as Int16Array;
      const inChunk = word.vectorSlot & CHUNK_MASK;
      const at = inChunk * C;
      const s = scale * ((this.vectorScales[chunk] as Float32Array)[inChunk] as number);
      for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) + s * (vectors[at + c] as number);
    }
    const { extraIds, extraValues } = featurizer;
    for (let k = 0; k < featurizer.extraLength; k++) model.addRow(extraIds[k] as number, extraValues[k] as number, logits);
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
    // No content word ("what", "can you"): no evidence, unless the best class was trained with such a phrase.
    const noEvidence = featurizer.contentWords === 0 && this.contentFree[firstAt(logits, C, max)] === 0;
    // min(1, r)² written as min(1, r²): the product is of a fractional number even when every text seen so far was fully
    // known (r > 1), so V8 does not specialise it to integers and deoptimise on the first partly known text.
    const ratio = knownShare / this.requiredShare;
    const weight = noEvidence ? 0 : Math.min(1, ratio * ratio);

    // Rank the returned classes by logit (ties keep class order), then build the scores in that order.
    const { order, returned, classIds, zeroScores } = this;
    const n = returned.length;
    for (let k = 0; k < n; k++) order[k] = returned[k] as number;
    rankByLogit(order, n, logits, max, min, this.scratch);
    if (this.smallBotWeight > 0) return { ranked: this.smallBotScores(n, logSum, max, weight, knownShare, noEvidence) };
    const ranked: IntentScore[] = new Array<IntentScore>(n);
    for (let r = 0; r < n; r++) {
      const c = order[r] as number;
      const logit = logits[c] as number;
      const z = slope * (logit - logSum) + logitSlope * logit + offset;
      const score = weight / (1 + Math.exp(-z));
      ranked[r] = score < MIN_REPORTED_SCORE ? (zeroScores[c] as IntentScore) : { intentId: classIds[c] as string, score };
    }
    return { ranked };
  }

  /**
   * The scores of a bot under `smallBotExamples` phrases, in `order[0..n)`: the small-bot calibration blended with the
   * corpus one (`weight` is the corpus part's evidence weight). Its own function, so the large-bot path stays as small.
   * Scores never rise down the ranking: a class ranked lower by the model never outscores one above it.
   */
  private smallBotScores(n: number, logSum: number, max: number, weight: number, knownShare: number, noEvidence: boolean): IntentScore[] {
    const { order, logits, classIds, zeroScores, calibration } = this;
    const { slope, logitSlope, offset, smallBot: small } = calibration;
    const C = this.model.classCount;
    const best = firstAt(logits, C, max);
    let second = -Infinity;
    for (let c = 0; c < C; c++) if (c !== best && (logits[c] as number) > second) second = logits[c] as number;
    if (second === -Infinity) second = max;
    const smallWeight = this.smallBotWeight;
    let base = this.smallBotBase + this.smallBotEvidence * knownShare + (noEvidence ? small.noContent : 0);
    const semantic = this.semantic;
    let bestSimilarity = -Infinity;
    let secondSimilarity = -Infinity;
    if (semantic !== undefined) {
      // The content words of the text just featurised (its tokens, less the stop words).
      const { tokens, words } = this.featurizer;
      semantic.measure(tokens.filter((_, w) => !(words[w] as AnalysedWord).stop));
      base += small.botSoftEvidence * semantic.botSoftEvidence;
      // Only classes the text could be compared with count as others (one with no phrase vector says nothing).
      for (let c = 0; c < semantic.similarity.length; c++) {
        if (semantic.compared[c] === 0) continue;
        const s = semantic.similarity[c] as number;
        if (s > bestSimilarity) {
          secondSimilarity = bestSimilarity;
          bestSimilarity = s;
        } else if (s > secondSimilarity) secondSimilarity = s;
      }
    }
    const ranked: IntentScore[] = new Array<IntentScore>(n);
    let ceiling = 1;
    for (let r = 0; r < n; r++) {
      const c = order[r] as number;
      const logit = logits[c] as number;
      const z = slope * (logit - logSum) + logitSlope * logit + offset;
      // Margin: to the runner-up for the best class, to the best class for the others (so monotone in the logit).
      const margin = logit - (c === best ? second : max);
      let zs = base + small.logProbability * (logit - logSum) + small.logit * logit + small.margin * margin;
      if (semantic !== undefined) {
        const similarity = semantic.similarity[c] as number;
        // Nearer to this intent's phrases than to any other's; with no other intent to compare with, no margin (a
        // one-intent bot would otherwise take any text's similarity to its phrases as a margin).
        const other = similarity === bestSimilarity ? secondSimilarity : bestSimilarity;
        const margin = semantic.compared[c] === 1 && other !== -Infinity ? similarity - other : 0;
        zs += small.similarity * similarity + small.similarityMargin * margin + small.softEvidence * (semantic.softEvidence[c] as number);
      }
      const blended = smallWeight / (1 + Math.exp(-zs)) + ((1 - smallWeight) * weight) / (1 + Math.exp(-z));
      const score = Math.min(ceiling, blended + smallWeight * (piecewiseLinear(small.bandMap, blended) - blended));
      ceiling = score;
      ranked[r] = score < MIN_REPORTED_SCORE ? (zeroScores[c] as IntentScore) : { intentId: classIds[c] as string, score };
    }
    return ranked;
  }

  /** Stores Σ over a word's own feature ids (repeats included) of feature weight × model row in a new pool slot. */
  private wordVector(idStart: number, idCount: number): number {
    const C = this.model.classCount;
    const slot = this.vectorCount++;
    const chunk = slot >>> CHUNK_BITS;
    if (chunk === this.vectorChunks.length) {
      this.vectorChunks.push(new Int16Array(C << CHUNK_BITS));
      this.vectorScales.push(new Float32Array(1 << CHUNK_BITS));
    }
    const vector = this.vectorScratch;
    vector.fill(0);
    const weights = this.featurizer.featureWeights;
    const pool = this.featurizer.idPool;
    for (let k = idStart; k < idStart + idCount; k++) this.model.addRow(pool[k] as number, weights[pool[k] as number] as number, vector);
    let max = 0;
    for (let c = 0; c < C; c++) max = Math.max(max, Math.abs(vector[c] as number));
    const vectorScale = max / 32767;
    const inv = max > 0 ? 1 / vectorScale : 0;
    const vectors = this.vectorChunks[chunk] as Int16Array;
    const at = (slot & CHUNK_MASK) * C;
    for (let c = 0; c < C; c++) vectors[at + c] = Math.round((vector[c] as number) * inv);
    (this.vectorScales[chunk] as Float32Array)[slot & CHUNK_MASK] = vectorScale;
    return slot;
  }
}

import type { SparseVector } from './text-features.js';

export interface SoftmaxTrainingOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty, applied lazily to the rows an example touches. */
  readonly l2: number;
  /** Seed of the example shuffle, so training is deterministic. */
  readonly seed: number;
}

export const DEFAULT_SOFTMAX_TRAINING_OPTIONS: SoftmaxTrainingOptions = { epochs: 8, learningRate: 4, l2: 1e-5, seed: 1 };

/** Multinomial logistic regression on sparse vectors. Weights are feature-major: row f holds the C class weights. */
export class SoftmaxModel {
  constructor(
    readonly classCount: number,
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {}

  static train(
    vectors: readonly SparseVector[],
    labels: Int32Array,
    classCount: number,
    featureCount: number,
    options: SoftmaxTrainingOptions,
    onEpoch?: (epoch: number) => void,
  ): SoftmaxModel {
    const C = classCount;
    const weights = new Float32Array(featureCount * C);
    const bias = new Float32Array(C);
    const model = new SoftmaxModel(C, weights, bias);
    const order = Int32Array.from(vectors.keys());
    const random = mulberry32(options.seed);
    const probs = new Float64Array(C);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const t = order[i] as number;
        order[i] = order[j] as number;
        order[j] = t;
      }
      const lr = options.learningRate / (1 + epoch);
      const decay = 1 - lr * options.l2;
      for (let k = 0; k < order.length; k++) {
        const n = order[k] as number;
        const x = vectors[n] as SparseVector;
        const y = labels[n] as number;
        model.probabilities(x, probs, 1);
        probs[y] = (probs[y] as number) - 1;
        let maxGrad = 0;
        for (let c = 0; c < C; c++) maxGrad = Math.max(maxGrad, Math.abs(probs[c] as number));
        if (maxGrad < 1e-3) continue;
        const { ids, values } = x;
        for (let f = 0; f < ids.length; f++) {
          const row = (ids[f] as number) * C;
          const step = lr * (values[f] as number);
          for (let c = 0; c < C; c++) weights[row + c] = (weights[row + c] as number) * decay - step * (probs[c] as number);
        }
        for (let c = 0; c < C; c++) bias[c] = (bias[c] as number) - lr * 0.1 * (probs[c] as number);
      }
      onEpoch?.(epoch + 1);
    }
    return model;
  }

  /** Raw class scores (logits) into `out`. */
  logits(x: SparseVector, out: Float64Array): void {
    const C = this.classCount;
    const { weights, bias } = this;
    for (let c = 0; c < C; c++) out[c] = bias[c] as number;
    const { ids, values } = x;
    for (let f = 0; f < ids.length; f++) {
      const row = (ids[f] as number) * C;
      const v = values[f] as number;
      for (let c = 0; c < C; c++) out[c] = (out[c] as number) + v * (weights[row + c] as number);
    }
  }

  /** Softmax of logits / temperature into `out`. */
  probabilities(x: SparseVector, out: Float64Array, temperature: number): void {
    this.logits(x, out);
    softmaxInPlace(out, this.classCount, temperature);
  }
}

export function softmaxInPlace(values: Float64Array, count: number, temperature: number): void {
  let max = -Infinity;
  for (let c = 0; c < count; c++) max = Math.max(max, values[c] as number);
  let sum = 0;
  for (let c = 0; c < count; c++) {
    const e = Math.exp(((values[c] as number) - max) / temperature);
    values[c] = e;
    sum += e;
  }
  for (let c = 0; c < count; c++) values[c] = (values[c] as number) / sum;
}

/** Small deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

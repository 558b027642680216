import type { SparseMatrix } from './text-features.js';

export interface SoftmaxTrainingOptions {
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty, applied lazily to the rows an example touches. */
  readonly l2: number;
  /** Seed of the example shuffle, so training is deterministic. */
  readonly seed: number;
}

export const DEFAULT_SOFTMAX_TRAINING_OPTIONS: SoftmaxTrainingOptions = { epochs: 8, learningRate: 4, l2: 1e-5, seed: 1 };

/**
 * Multinomial logistic regression on sparse vectors, trained in float32 and kept as int8 weights with one scale per
 * feature row. Weights are feature-major: row f holds the C class weights of feature f.
 */
export class SoftmaxModel {
  constructor(
    readonly classCount: number,
    /** Quantised weights: weight(f, c) = rowScale[f] × weights[f × C + c]. */
    readonly weights: Int8Array,
    readonly rowScale: Float32Array,
    readonly bias: Float32Array,
  ) {}

  static train(matrix: SparseMatrix, labels: Int32Array, classCount: number, featureCount: number, options: SoftmaxTrainingOptions, onEpoch?: (epoch: number) => void): SoftmaxModel {
    const C = classCount;
    const weights = new Float32Array(featureCount * C);
    const bias = new Float32Array(C);
    const order = new Int32Array(matrix.rows);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const random = mulberry32(options.seed);
    const probs = new Float64Array(C);
    const { offsets, ids, values } = matrix;
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
        const y = labels[n] as number;
        const from = offsets[n] as number;
        const to = offsets[n + 1] as number;
        for (let c = 0; c < C; c++) probs[c] = bias[c] as number;
        for (let f = from; f < to; f++) {
          const row = (ids[f] as number) * C;
          const v = values[f] as number;
          for (let c = 0; c < C; c++) probs[c] = (probs[c] as number) + v * (weights[row + c] as number);
        }
        softmaxInPlace(probs, C, 1);
        probs[y] = (probs[y] as number) - 1;
        let maxGrad = 0;
        for (let c = 0; c < C; c++) maxGrad = Math.max(maxGrad, Math.abs(probs[c] as number));
        if (maxGrad < 1e-3) continue;
        for (let f = from; f < to; f++) {
          const row = (ids[f] as number) * C;
          const step = lr * (values[f] as number);
          for (let c = 0; c < C; c++) weights[row + c] = (weights[row + c] as number) * decay - step * (probs[c] as number);
        }
        for (let c = 0; c < C; c++) bias[c] = (bias[c] as number) - lr * 0.1 * (probs[c] as number);
      }
      onEpoch?.(epoch + 1);
    }
    return SoftmaxModel.quantise(weights, bias, C);
  }

  /** int8 weights with a per-row scale (max |w| / 127). */
  static quantise(weights: Float32Array, bias: Float32Array, classCount: number): SoftmaxModel {
    const C = classCount;
    const rows = weights.length / C;
    const q = new Int8Array(weights.length);
    const scale = new Float32Array(rows);
    for (let f = 0; f < rows; f++) {
      const row = f * C;
      let max = 0;
      for (let c = 0; c < C; c++) max = Math.max(max, Math.abs(weights[row + c] as number));
      if (max === 0) continue;
      const s = max / 127;
      scale[f] = s;
      for (let c = 0; c < C; c++) q[row + c] = Math.round((weights[row + c] as number) / s);
    }
    return new SoftmaxModel(C, q, scale, bias);
  }

  /** Raw class scores (logits) of features `ids/values[0..length)` into `out`. */
  logits(ids: Int32Array, values: Float32Array, length: number, out: Float64Array): void {
    const C = this.classCount;
    const { weights, bias, rowScale } = this;
    for (let c = 0; c < C; c++) out[c] = bias[c] as number;
    for (let f = 0; f < length; f++) {
      const id = ids[f] as number;
      const v = (values[f] as number) * (rowScale[id] as number);
      if (v === 0) continue;
      const row = id * C;
      for (let c = 0; c < C; c++) out[c] = (out[c] as number) + v * (weights[row + c] as number);
    }
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

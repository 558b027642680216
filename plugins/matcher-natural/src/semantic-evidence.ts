import { isStopWord, tokenizeWords } from './natural-text.js';
import type { WordVectors } from './word-vectors.js';

/** The content words (not stop words) of a text, as the confidence counts them. */
export function contentWordsOf(text: string): string[] {
  return tokenizeWords(text).filter((word) => !isStopWord(word));
}

/** The per-word cache holds at most this many numbers (4 MB of them), and at most 5,000 words. */
const WORD_EVIDENCE_CACHE_NUMBERS = 1_000_000;
const WORD_EVIDENCE_CACHE_WORDS = 5_000;

/**
 * What word vectors say about a text against each class's training phrases, for the small-bot confidence: an input
 * that says the trained thing in other words ("reimburse me" for "refund") gets the evidence the stems alone deny it.
 * After `measure(words)`:
 * - `similarity[c]`: the best cosine between the text's mean word vector and one of class c's phrases' (0, with
 *   `compared[c]` 0, when the text or all of class c's phrases have no word with a vector);
 * - `softEvidence[c]`: the mean over the text's content words of 1 for a word of class c's phrases, else its best
 *   cosine (≥ 0) with one of them;
 * - `botSoftEvidence`: the same against every class's words together.
 * Words without a vector count as unseen.
 */
export class SemanticEvidence {
  readonly similarity: Float64Array;
  /** Per class: 1 when `similarity` compares the text with one of its phrases. */
  readonly compared: Uint8Array;
  readonly softEvidence: Float64Array;
  botSoftEvidence = 0;
  private readonly dimensions: number;
  /**
   * Each phrase with a word vector: its class, the slots of its words that have one (repeats kept) from
   * `phraseSlots[phraseStarts[p]]` to `phraseSlots[phraseStarts[p + 1]]`, and 1 / |Σ of their unit vectors|.
   */
  private readonly phraseClasses: Int32Array;
  private readonly phraseStarts: Int32Array;
  private readonly phraseSlots: Int32Array;
  private readonly phraseInverseNorms: Float32Array;
  /** Every training word: its slot. Per slot: its unit vector (zeros for a word without one). */
  private readonly slots = new Map<string, number>();
  private readonly slotUnits: Float32Array;
  /** Per class: slots of its words that have a vector, and all its words. */
  private readonly classSlots: Int32Array[];
  private readonly classWords: Set<string>[];
  private readonly mean: Float32Array;
  private readonly word: Float32Array;
  private readonly slotCosines: Float32Array;
  /** Scratch of `measure`: per phrase, Σ over the text's words of word · phrase mean. */
  private readonly phraseDots: Float64Array;
  /** Per word seen in inputs: its evidence for each class, then for the bot (a word's evidence never changes). */
  private readonly wordEvidence = new Map<string, Float32Array>();
  private readonly wordEvidenceLimit: number;
  private readonly noEvidence: Float32Array;

  /** `phraseWords[c][p]`: the content words of class c's phrase p (see `contentWordsOf`). */
  constructor(
    phraseWords: readonly (readonly (readonly string[])[])[],
    private readonly vectors: WordVectors,
  ) {
    const C = phraseWords.length;
    this.dimensions = vectors.dimensions;
    this.similarity = new Float64Array(C);
    this.softEvidence = new Float64Array(C);
    this.mean = new Float32Array(this.dimensions);
    const classes: number[] = [];
    const starts: number[] = [0];
    const phraseSlots: number[] = [];
    const inverseNorms: number[] = [];
    const rows: number[] = [];
    this.classWords = phraseWords.map((phrases, c) => {
      for (const words of phrases) {
        for (const word of words) {
          if (!this.slots.has(word)) {
            this.slots.set(word, rows.length);
            rows.push(vectors.indexOf(word));
          }
        }
        const norm = this.sumOf(words);
        if (norm === 0) continue;
        for (const word of words) if (vectors.indexOf(word) >= 0) phraseSlots.push(this.slots.get(word) as number);
        starts.push(phraseSlots.length);
        classes.push(c);
        inverseNorms.push(1 / norm);
      }
      return new Set(phrases.flat());
    });
    this.phraseClasses = Int32Array.from(classes);
    this.phraseStarts = Int32Array.from(starts);
    this.phraseSlots = Int32Array.from(phraseSlots);
    this.phraseInverseNorms = Float32Array.from(inverseNorms);
    this.slotUnits = new Float32Array(rows.length * this.dimensions);
    this.word = new Float32Array(this.dimensions);
    rows.forEach((row, s) => {
      if (row < 0) return;
      this.word.fill(0);
      vectors.addUnit(row, this.word);
      this.slotUnits.set(this.word, s * this.dimensions);
    });
    this.classSlots = this.classWords.map((words) => Int32Array.from([...words].map((w) => this.slots.get(w) as number).filter((s) => (rows[s] as number) >= 0)));
    this.slotCosines = new Float32Array(rows.length);
    this.phraseDots = new Float64Array(this.phraseClasses.length);
    this.compared = new Uint8Array(C);
    this.noEvidence = new Float32Array(C + 1);
    this.wordEvidenceLimit = Math.min(WORD_EVIDENCE_CACHE_WORDS, Math.floor(WORD_EVIDENCE_CACHE_NUMBERS / (C + 1 + this.phraseClasses.length)));
  }

  measure(words: readonly string[]): void {
    const { similarity, softEvidence, phraseDots, mean, dimensions } = this;
    similarity.fill(0);
    this.compared.fill(0);
    softEvidence.fill(0);
    this.botSoftEvidence = 0;
    if (words.length === 0) return;
    const C = softEvidence.length;
    const P = phraseDots.length;
    phraseDots.fill(0);
    mean.fill(0);
    let bot = 0;
    let vectors = 0;
    for (const word of words) {
      const evidence = this.evidenceOf(word);
      for (let c = 0; c < C; c++) softEvidence[c] = (softEvidence[c] as number) + (evidence[c] as number);
      bot += evidence[C] as number;
      if (evidence.length === C + 1) continue; // no vector
      // cos(Σ u_w, phrase) = Σ (u_w · phrase) / |Σ u_w|: the dots are cached per word, only the norm is per text.
      for (let p = 0; p < P; p++) phraseDots[p] = (phraseDots[p] as number) + (evidence[C + 1 + p] as number);
      this.vectors.addUnit(this.vectors.indexOf(word), mean);
      vectors++;
    }
    for (let c = 0; c < C; c++) softEvidence[c] = (softEvidence[c] as number) / words.length;
    this.botSoftEvidence = bot / words.length;
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += (mean[d] as number) ** 2;
    if (vectors === 0 || norm === 0) return;
    const inverse = 1 / Math.sqrt(norm);
    const compared = this.compared;
    for (let p = 0; p < P; p++) {
      const c = this.phraseClasses[p] as number;
      const cosine = (phraseDots[p] as number) * inverse;
      if (compared[c] === 0 || cosine > (similarity[c] as number)) similarity[c] = cosine;
      compared[c] = 1;
    }
  }

  /**
   * A word's evidence for each class, then for the bot (1 for a training word, else its best cosine ≥ 0 with one), then
   * for a word with a vector its dot product with each phrase's mean vector.
   */
  private evidenceOf(word: string): Float32Array {
    const cached = this.wordEvidence.get(word);
    if (cached !== undefined) return cached;
    const C = this.classWords.length;
    const row = this.vectors.indexOf(word);
    // Neither a vector nor a training word: no evidence, and nothing to cache (such words, e.g. long made-up ones,
    // are what a hostile user can send without end).
    if (row < 0 && !this.slots.has(word)) return this.noEvidence;
    const P = this.phraseDots.length;
    const evidence = new Float32Array(row >= 0 ? C + 1 + P : C + 1);
    let best = 0;
    if (row >= 0) {
      const { dimensions, slotUnits, slotCosines, word: unit } = this;
      unit.fill(0);
      this.vectors.addUnit(row, unit);
      for (let s = 0; s < slotCosines.length; s++) {
        let dot = 0;
        const at = s * dimensions;
        for (let d = 0; d < dimensions; d++) dot += (unit[d] as number) * (slotUnits[at + d] as number);
        slotCosines[s] = dot;
        if (dot > best) best = dot;
      }
      for (let c = 0; c < C; c++) {
        let most = 0;
        for (const s of this.classSlots[c] as Int32Array) if ((slotCosines[s] as number) > most) most = slotCosines[s] as number;
        evidence[c] = most;
      }
      // unit · phrase mean = Σ over the phrase's words of unit · word, over the norm of their sum.
      const { phraseStarts, phraseSlots, phraseInverseNorms } = this;
      for (let p = 0; p < P; p++) {
        let dot = 0;
        for (let k = phraseStarts[p] as number; k < (phraseStarts[p + 1] as number); k++) dot += slotCosines[phraseSlots[k] as number] as number;
        evidence[C + 1 + p] = dot * (phraseInverseNorms[p] as number);
      }
    }
    for (let c = 0; c < C; c++) if (this.classWords[c]?.has(word) === true) evidence[c] = 1;
    evidence[C] = this.slots.has(word) ? 1 : best;
    // Bounded: a long-running bot meets new words without end.
    if (this.wordEvidence.size >= this.wordEvidenceLimit) this.wordEvidence.clear();
    this.wordEvidence.set(word, evidence);
    return evidence;
  }

  /** Sets `mean` to the sum of the words' unit vectors and returns its norm (0 when none has a vector). */
  private sumOf(words: readonly string[]): number {
    const mean = this.mean;
    mean.fill(0);
    for (const word of words) {
      const row = this.vectors.indexOf(word);
      if (row >= 0) this.vectors.addUnit(row, mean);
    }
    let norm = 0;
    for (let d = 0; d < this.dimensions; d++) norm += (mean[d] as number) ** 2;
    return Math.sqrt(norm);
  }
}

/** A sparse vector: feature → weight. */
export type SparseVector = ReadonlyMap<string, number>;

/** Unigram lemmas plus adjacent-lemma bigrams ("cancel order" carries more than "cancel" and "order" apart). */
export function lemmaFeatures(lemmas: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  };
  for (const [i, lemma] of lemmas.entries()) {
    add(lemma);
    const next = lemmas[i + 1];
    if (next !== undefined) add(`${lemma} ${next}`);
  }
  return counts;
}

interface Posting {
  readonly phrase: number;
  readonly weight: number;
}

/**
 * TF-IDF over lemma features with an inverted index. Each training phrase is an L2-normalised vector; the
 * similarity of a query to a phrase is their cosine. Features never seen in training still count in the query's
 * norm (with the highest IDF), so a message full of unrelated words scores low.
 */
export class LemmaTfIdfModel {
  readonly #idf = new Map<string, number>();
  readonly #unseenIdf: number;
  readonly #postings = new Map<string, Posting[]>();
  readonly #phraseCount: number;

  constructor(phrases: readonly (readonly string[])[]) {
    this.#phraseCount = phrases.length;
    const features = phrases.map((lemmas) => lemmaFeatures(lemmas));
    const documentFrequency = new Map<string, number>();
    for (const counts of features) for (const feature of counts.keys()) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    for (const [feature, df] of documentFrequency) this.#idf.set(feature, Math.log((1 + phrases.length) / (1 + df)) + 1);
    this.#unseenIdf = Math.log(1 + phrases.length) + 1;
    for (const [phrase, counts] of features.entries()) {
      for (const [feature, weight] of this.#weigh(counts)) {
        let list = this.#postings.get(feature);
        if (list === undefined) this.#postings.set(feature, (list = []));
        list.push({ phrase, weight });
      }
    }
  }

  /** Cosine similarity of the query to every training phrase, indexed like the constructor's `phrases`. */
  similarities(lemmas: readonly string[]): Float64Array {
    const scores = new Float64Array(this.#phraseCount);
    for (const [feature, weight] of this.#weigh(lemmaFeatures(lemmas))) {
      for (const posting of this.#postings.get(feature) ?? []) scores[posting.phrase] = (scores[posting.phrase] ?? 0) + weight * posting.weight;
    }
    return scores;
  }

  /** Sublinear TF × IDF, L2-normalised. */
  #weigh(counts: ReadonlyMap<string, number>): Map<string, number> {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [feature, count] of counts) {
      const weight = (1 + Math.log(count)) * (this.#idf.get(feature) ?? this.#unseenIdf);
      vector.set(feature, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [feature, weight] of vector) vector.set(feature, weight / norm);
    return vector;
  }
}

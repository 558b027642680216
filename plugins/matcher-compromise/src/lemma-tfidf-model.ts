/**
 * English function words (as compromise lemmas: "am/are/was" → "is"). They still count, at a quarter of their
 * TF-IDF weight, so "could you order me a pizza" is carried by "order" and "pizza" rather than by "could you me".
 */
const FUNCTION_WORDS = new Set(
  (
    'a an the this that these those i me my mine you your yours he him his she her hers it its we us our they them their ' +
    'is be am are was were been do does did have has had will would shall should can could may might must not no ' +
    'to of in on at for from with by about as into onto over under than then so and or but if because while ' +
    'what which who whom whose when where why how there here please just some any all very too also'
  ).split(' '),
);
const FUNCTION_WORD_WEIGHT = 0.25;

/** Unigram lemmas plus adjacent-lemma bigrams ("cancel order" carries more than "cancel" and "order" apart). */
function lemmaFeatures(lemmas: readonly string[]): Map<string, number> {
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

function featureWeight(feature: string): number {
  const space = feature.indexOf(' ');
  if (space === -1) return FUNCTION_WORDS.has(feature) ? FUNCTION_WORD_WEIGHT : 1;
  return FUNCTION_WORDS.has(feature.slice(0, space)) && FUNCTION_WORDS.has(feature.slice(space + 1)) ? FUNCTION_WORD_WEIGHT : 1;
}

interface Posting {
  readonly index: number;
  readonly weight: number;
}

/** Cosine similarities of one query: to each training phrase, and to each class centroid. */
export interface LemmaSimilarities {
  readonly phrases: Float64Array;
  readonly classes: Float64Array;
}

/**
 * TF-IDF over lemma features with inverted indexes. Each training phrase is an L2-normalised vector, and each class
 * (intent) has a centroid: the normalised sum of its phrase vectors. Unigrams never seen in training still count in
 * the query's norm (with the highest IDF), so a message full of unrelated words scores low; unseen bigrams are
 * ignored (almost every new sentence has some).
 */
export class LemmaTfIdfModel {
  readonly #idf = new Map<string, number>();
  readonly #unseenIdf: number;
  readonly #phrasePostings = new Map<string, Posting[]>();
  readonly #classPostings = new Map<string, Posting[]>();
  readonly #phraseCount: number;
  readonly #classCount: number;

  /** `phraseClass[i]` is the class (0 … classCount − 1) of `phrases[i]`. */
  constructor(phrases: readonly (readonly string[])[], phraseClass: ArrayLike<number>, classCount: number) {
    this.#phraseCount = phrases.length;
    this.#classCount = classCount;
    const features = phrases.map((lemmas) => lemmaFeatures(lemmas));
    const documentFrequency = new Map<string, number>();
    for (const counts of features) for (const feature of counts.keys()) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    for (const [feature, df] of documentFrequency) this.#idf.set(feature, Math.log((1 + phrases.length) / (1 + df)) + 1);
    this.#unseenIdf = Math.log(1 + phrases.length) + 1;

    const centroids = Array.from({ length: classCount }, () => new Map<string, number>());
    for (const [phrase, counts] of features.entries()) {
      const centroid = centroids[phraseClass[phrase] ?? 0];
      for (const [feature, weight] of this.#weigh(counts)) {
        addPosting(this.#phrasePostings, feature, phrase, weight);
        centroid?.set(feature, (centroid.get(feature) ?? 0) + weight);
      }
    }
    for (const [index, centroid] of centroids.entries()) {
      const norm = Math.sqrt([...centroid.values()].reduce((sum, w) => sum + w * w, 0));
      if (norm > 0) for (const [feature, weight] of centroid) addPosting(this.#classPostings, feature, index, weight / norm);
    }
  }

  similarities(lemmas: readonly string[]): LemmaSimilarities {
    const phrases = new Float64Array(this.#phraseCount);
    const classes = new Float64Array(this.#classCount);
    const counts = lemmaFeatures(lemmas);
    for (const feature of counts.keys()) if (feature.includes(' ') && !this.#idf.has(feature)) counts.delete(feature);
    for (const [feature, weight] of this.#weigh(counts)) {
      for (const { index, weight: w } of this.#phrasePostings.get(feature) ?? []) phrases[index] = (phrases[index] ?? 0) + weight * w;
      for (const { index, weight: w } of this.#classPostings.get(feature) ?? []) classes[index] = (classes[index] ?? 0) + weight * w;
    }
    return { phrases, classes };
  }

  /** Sublinear TF × IDF × function-word weight, L2-normalised. */
  #weigh(counts: ReadonlyMap<string, number>): Map<string, number> {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [feature, count] of counts) {
      const weight = (1 + Math.log(count)) * (this.#idf.get(feature) ?? this.#unseenIdf) * featureWeight(feature);
      vector.set(feature, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [feature, weight] of vector) vector.set(feature, weight / norm);
    return vector;
  }
}

function addPosting(postings: Map<string, Posting[]>, feature: string, index: number, weight: number): void {
  let list = postings.get(feature);
  if (list === undefined) postings.set(feature, (list = []));
  list.push({ index, weight });
}

import {
  BottangoError,
  BottangoErrorCode,
  type IntentClassification,
  type IntentClassifier,
  type IntentDefinition,
  type IntentMatcher,
  type IntentScore,
  type IntentTrainingOptions,
} from '@bottango/core';
import { inject, injectable, optional } from 'inversify';
import { CompromiseNormalizer } from './compromise-normalizer.js';
import { LemmaTfIdfModel } from './lemma-tfidf-model.js';

/**
 * Maps the raw similarity (mean of the cosine to the nearest training phrase and to the intent centroid, in [0, 1])
 * to a confidence in [0, 1]. Piecewise linear through these knots, chosen on the Braun and CLINC150 test sets (figures
 * in the README): GOOD (≥ 0.60) starts at raw 0.40, where about nine predictions in ten are right on CLINC150 and
 * 3 % of its out-of-scope messages get through.
 */
export const COMPROMISE_SCORE_KNOTS: readonly (readonly [similarity: number, score: number])[] = [
  [0, 0],
  [0.2, 0.2],
  [0.4, 0.6],
  [0.8, 0.9],
  [1, 1],
];

export function calibrateSimilarity(similarity: number): number {
  const s = Math.min(1, Math.max(0, similarity));
  for (let i = 1; i < COMPROMISE_SCORE_KNOTS.length; i += 1) {
    const [x1, y1] = COMPROMISE_SCORE_KNOTS[i] ?? [1, 1];
    if (s <= x1) {
      const [x0, y0] = COMPROMISE_SCORE_KNOTS[i - 1] ?? [0, 0];
      return y0 + ((s - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return 1;
}

/**
 * An `IntentMatcher` (id `compromise`): a small similarity classifier over compromise lemmas.
 * Each training phrase and each message goes through {@link CompromiseNormalizer} (lemmas, digits, no punctuation)
 * and becomes a TF-IDF vector of lemma unigrams and bigrams (function words at a quarter weight). An intent's raw
 * similarity is the mean of the cosine to its nearest training phrase and the cosine to its centroid, then
 * {@link calibrateSimilarity} maps it to a confidence. Out-of-scope phrases (`outOfScopeIntentIds`) are scored the
 * same way but never returned; when they are nearer than an intent, that intent's similarity drops by the difference.
 *
 * Deterministic, no randomness, training is one pass; its cost is one compromise parse per phrase (about 1 ms).
 */
@injectable()
export class CompromiseIntentMatcher implements IntentMatcher {
  readonly id = 'compromise';
  readonly #normalizer: CompromiseNormalizer;

  constructor(@inject(CompromiseNormalizer) @optional() normalizer?: CompromiseNormalizer) {
    this.#normalizer = normalizer ?? new CompromiseNormalizer();
  }

  async train(intents: readonly IntentDefinition[], options: IntentTrainingOptions = {}): Promise<IntentClassifier> {
    validateIntents(intents);
    const outOfScope = new Set(options.outOfScopeIntentIds ?? []);
    const phrases: string[][] = [];
    const phraseIntent: number[] = [];
    for (const [index, intent] of intents.entries()) {
      for (const phrase of intent.trainingPhrases) {
        const lemmas = this.#normalizer.lemmas(phrase);
        if (lemmas.length === 0) continue;
        phrases.push(lemmas);
        phraseIntent.push(index);
      }
      options.onProgress?.(index + 1, intents.length);
    }
    return new CompromiseIntentClassifier(
      this.#normalizer,
      new LemmaTfIdfModel(phrases, phraseIntent, intents.length),
      Int32Array.from(phraseIntent),
      intents.map((intent) => intent.id),
      intents.map((intent) => outOfScope.has(intent.id)),
    );
  }
}

class CompromiseIntentClassifier implements IntentClassifier {
  constructor(
    private readonly normalizer: CompromiseNormalizer,
    private readonly model: LemmaTfIdfModel,
    private readonly phraseIntent: Int32Array,
    private readonly intentIds: readonly string[],
    private readonly isOutOfScope: readonly boolean[],
  ) {}

  classify(text: string): IntentClassification {
    if (typeof text !== 'string') {
      throw new BottangoError(BottangoErrorCode.InvalidValue, `text to classify must be a string, got ${typeof text}`, {
        where: 'CompromiseIntentMatcher.classify',
        details: { field: 'text', value: text },
      });
    }
    const nearest = new Float64Array(this.intentIds.length);
    const lemmas = this.normalizer.lemmas(text);
    if (lemmas.length > 0) {
      const { phrases, classes } = this.model.similarities(lemmas);
      for (const [phrase, similarity] of phrases.entries()) {
        const intent = this.phraseIntent[phrase] ?? 0;
        if (similarity > (nearest[intent] ?? 0)) nearest[intent] = similarity;
      }
      for (const [intent, similarity] of classes.entries()) nearest[intent] = combine(nearest[intent] ?? 0, similarity);
    }
    let nearestOutOfScope = 0;
    for (const [intent, similarity] of nearest.entries()) if (this.isOutOfScope[intent] === true) nearestOutOfScope = Math.max(nearestOutOfScope, similarity);

    const ranked: IntentScore[] = [];
    for (const [intent, intentId] of this.intentIds.entries()) {
      if (this.isOutOfScope[intent] === true) continue;
      const similarity = nearest[intent] ?? 0;
      const adjusted = nearestOutOfScope > similarity ? similarity - (nearestOutOfScope - similarity) : similarity;
      ranked.push({ intentId, score: roundScore(calibrateSimilarity(adjusted)) });
    }
    // Stable sort: equal scores keep definition order, so results are deterministic.
    ranked.sort((a, b) => b.score - a.score);
    return { ranked };
  }
}

/** Half the nearest phrase (precise when a message is close to one example), half the centroid (all the evidence). */
function combine(nearestPhrase: number, centroid: number): number {
  return (nearestPhrase + centroid) / 2;
}

function roundScore(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

function validateIntents(intents: readonly IntentDefinition[]): void {
  if (!Array.isArray(intents)) {
    throw new BottangoError(BottangoErrorCode.InvalidDefinition, `intents must be an array, got ${typeof intents}`, {
      where: 'CompromiseIntentMatcher.train',
    });
  }
  const seen = new Set<string>();
  for (const [index, intent] of intents.entries()) {
    const where = `CompromiseIntentMatcher.train: intents[${index}]`;
    if (typeof intent?.id !== 'string' || intent.id === '') {
      throw new BottangoError(BottangoErrorCode.InvalidDefinition, `intent id must be a non-empty string, got ${JSON.stringify(intent?.id)}`, {
        where,
        details: { field: 'id', value: intent?.id },
      });
    }
    if (seen.has(intent.id)) {
      throw new BottangoError(BottangoErrorCode.InvalidDefinition, `duplicate intent id ${JSON.stringify(intent.id)}`, {
        where,
        details: { field: 'id', value: intent.id },
      });
    }
    seen.add(intent.id);
    if (!Array.isArray(intent.trainingPhrases) || intent.trainingPhrases.some((phrase: unknown) => typeof phrase !== 'string')) {
      throw new BottangoError(BottangoErrorCode.InvalidDefinition, `trainingPhrases of intent ${JSON.stringify(intent.id)} must be an array of strings`, {
        where,
        details: { field: 'trainingPhrases', value: intent.trainingPhrases },
      });
    }
  }
}

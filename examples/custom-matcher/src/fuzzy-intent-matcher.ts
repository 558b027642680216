import Fuse from 'fuse.js';
import { inject, injectable } from 'inversify';
import type { IntentClassification, IntentClassifier, IntentDefinition, IntentMatcher, IntentScore, IntentTrainingOptions } from '@bottango/core';
import { parseFuzzyMatcherOptions, type FuzzyMatcherOptions } from './options.js';

/** Token under which the plugin binds its (validated) options in the container. */
export const FuzzyMatcherOptionsToken = Symbol.for('bottango-matcher-fuzzy/options');

/** Words that say little about what a user wants; never matched. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if of to in on at by for with from about as into than then so too very just ' +
    'i me my mine we us our you your he him his she her it its they them their this that these those there here ' +
    'is am are was were be been being do does did have has had will would shall should can could may might must ' +
    'what which who whom whose when where why how not no yes ok okay please hi hello hey some any all'
  ).split(' '),
);

/** A word of the message and the known word it was taken for. */
export interface FuzzyWordMatch {
  readonly word: string;
  /** The known word (from a training phrase), or undefined when nothing was close enough. */
  readonly matched: string | undefined;
  /** How close, in [0, 1]: 1 for the same word, less for a typo or a different ending. */
  readonly quality: number;
}

/** A word closer than this (quality) counts as the known word; below it the word stays unknown. */
const MIN_QUALITY = 0.65;

/**
 * An `IntentMatcher` (id `fuzzy` unless configured otherwise) that tolerates typos: every word of a message is looked
 * up among the words of the training phrases with Fuse.js (Bitap approximate matching), so `pasword` still counts as
 * `password`. An intent's score is the share of the message's words that its phrases contain, each word weighted by
 * how specific it is (IDF over the intents: a word every intent uses counts little; an unknown word counts fully
 * against every intent). Out-of-scope intents are scored the same way but never returned; when one covers the message
 * better than an intent, that intent loses the difference.
 */
@injectable()
export class FuzzyIntentMatcher implements IntentMatcher {
  readonly id: string;
  readonly #options: FuzzyMatcherOptions;

  constructor(@inject(FuzzyMatcherOptionsToken) options: FuzzyMatcherOptions) {
    this.#options = parseFuzzyMatcherOptions(options);
    this.id = this.#options.id;
  }

  async train(intents: readonly IntentDefinition[], options: IntentTrainingOptions = {}): Promise<IntentClassifier> {
    const outOfScope = new Set(options.outOfScopeIntentIds ?? []);
    const stopWords = new Set([...STOP_WORDS, ...this.#options.stopWords.map((w) => w.toLowerCase())]);
    const words = (text: string): string[] =>
      [...new Set(text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => w.length >= this.#options.minWordLength && !stopWords.has(w));

    const vocabularies: Set<string>[] = [];
    for (const [index, intent] of intents.entries()) {
      vocabularies.push(new Set(intent.trainingPhrases.flatMap(words)));
      options.onProgress?.(index + 1, intents.length);
    }
    return new FuzzyIntentClassifier(
      intents.map((intent) => intent.id),
      intents.map((intent) => outOfScope.has(intent.id)),
      vocabularies,
      words,
      this.#options.threshold,
    );
  }
}

export class FuzzyIntentClassifier implements IntentClassifier {
  readonly #ids: readonly string[];
  readonly #outOfScope: readonly boolean[];
  readonly #vocabularies: readonly ReadonlySet<string>[];
  readonly #words: (text: string) => string[];
  readonly #idf = new Map<string, number>();
  readonly #unknownIdf: number;
  readonly #fuse: Fuse<string>;
  readonly #lookups = new Map<string, FuzzyWordMatch>();

  constructor(ids: readonly string[], outOfScope: readonly boolean[], vocabularies: readonly ReadonlySet<string>[], words: (text: string) => string[], threshold: number) {
    this.#ids = ids;
    this.#outOfScope = outOfScope;
    this.#vocabularies = vocabularies;
    this.#words = words;
    const documentFrequency = new Map<string, number>();
    for (const vocabulary of vocabularies) for (const word of vocabulary) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
    const n = Math.max(1, vocabularies.length);
    for (const [word, df] of documentFrequency) this.#idf.set(word, Math.log(1 + n / df));
    this.#unknownIdf = Math.log(1 + n);
    const known = [...documentFrequency.keys()].sort();
    this.#fuse = new Fuse(known, { includeScore: true, ignoreLocation: true, ignoreFieldNorm: true, threshold, isCaseSensitive: false, shouldSort: true });
  }

  /** The known word each word of `text` was taken for (what the scores are made of). */
  explain(text: string): FuzzyWordMatch[] {
    return this.#words(text).map((word) => this.#lookup(word));
  }

  classify(text: string): IntentClassification {
    const matches = this.explain(text);
    let total = 0;
    const covered = this.#vocabularies.map(() => 0);
    for (const match of matches) {
      if (match.matched === undefined) {
        total += this.#unknownIdf;
        continue;
      }
      const idf = this.#idf.get(match.matched) ?? this.#unknownIdf;
      total += idf;
      for (const [k, vocabulary] of this.#vocabularies.entries()) if (vocabulary.has(match.matched)) covered[k] = (covered[k] ?? 0) + idf * match.quality;
    }
    const coverage = covered.map((c) => (total > 0 ? c / total : 0));
    const outOfScopeBest = Math.max(0, ...coverage.filter((_, k) => this.#outOfScope[k]));
    const ranked: IntentScore[] = [];
    for (const [k, intentId] of this.#ids.entries()) {
      if (this.#outOfScope[k]) continue;
      const c = coverage[k] ?? 0;
      const score = Math.min(1, Math.max(0, c - Math.max(0, outOfScopeBest - c)));
      ranked.push({ intentId, score: Math.round(score * 1e6) / 1e6 });
    }
    // Stable sort: equal scores keep the intents' order, so the ranking is deterministic.
    ranked.sort((a, b) => b.score - a.score);
    return { ranked };
  }

  #lookup(word: string): FuzzyWordMatch {
    const cached = this.#lookups.get(word);
    if (cached) return cached;
    let match: FuzzyWordMatch = { word, matched: undefined, quality: 0 };
    if (this.#idf.has(word)) {
      match = { word, matched: word, quality: 1 };
    } else if (word.length <= 32) {
      // Fuse's score is the share of the word's letters it had to change (Bitap errors / length). It finds the word
      // anywhere inside a known word, so the difference in length counts too: `art` is not `party`.
      for (const result of this.#fuse.search(word, { limit: 5 })) {
        const errors = Math.round((result.score ?? 1) * word.length);
        const longer = Math.max(word.length, result.item.length);
        const quality = 1 - Math.max(errors, Math.abs(word.length - result.item.length)) / longer;
        if (quality >= MIN_QUALITY && quality > match.quality) match = { word, matched: result.item, quality };
      }
    }
    if (this.#lookups.size < 10_000) this.#lookups.set(word, match);
    return match;
  }
}

import { inject, injectable } from 'inversify';
import type { IntentClassifier, IntentDefinition, IntentMatcher, IntentTrainingOptions } from '@bottango/core';

/** The matcher's settings, bound by the plugin's module under this token. */
export const KeywordMatcherOptions = Symbol.for('bottango-matcher-keyword/KeywordMatcherOptions');

export interface KeywordMatcherOptions {
  /** Words that never count, on top of the built-in ones ("the", "to", "please"…). */
  readonly ignoreWords: readonly string[];
}

const STOP_WORDS = ['a', 'an', 'the', 'i', 'me', 'my', 'you', 'your', 'to', 'is', 'are', 'it', 'of', 'for', 'and', 'or', 'in', 'on', 'at', 'can', 'could', 'would', 'will', 'do', 'what', 'how', 'please'];

/** Scores each intent by the share of the message's words that occur in the intent's training phrases. */
@injectable()
export class KeywordMatcher implements IntentMatcher {
  readonly id = 'keyword';
  readonly #ignored: ReadonlySet<string>;

  constructor(@inject(KeywordMatcherOptions) options: KeywordMatcherOptions) {
    this.#ignored = new Set([...STOP_WORDS, ...options.ignoreWords.map((word) => word.toLowerCase())]);
  }

  async train(intents: readonly IntentDefinition[], options: IntentTrainingOptions = {}): Promise<IntentClassifier> {
    const outOfScope = new Set(options.outOfScopeIntentIds ?? []);
    const vocabularies = intents
      .filter((intent) => !outOfScope.has(intent.id)) // out-of-scope intents are never returned
      .map((intent) => ({ intentId: intent.id, words: new Set(intent.trainingPhrases.flatMap((phrase) => this.#words(phrase))) }));
    options.onProgress?.(1, 1);
    return {
      classify: (text) => {
        const words = this.#words(text);
        const ranked = vocabularies.map(({ intentId, words: known }) => ({
          intentId,
          score: words.length === 0 ? 0 : words.filter((word) => known.has(word)).length / words.length,
        }));
        return { ranked: ranked.sort((a, b) => b.score - a.score) }; // every intent, best first
      },
    };
  }

  #words(text: string): string[] {
    return text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 1 && !this.#ignored.has(word));
  }
}

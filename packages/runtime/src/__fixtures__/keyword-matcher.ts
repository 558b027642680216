import { injectable } from 'inversify';
import type { IntentClassifier, IntentDefinition, IntentMatcher, IntentScore } from '@bottango/core';

/** A deterministic test double: score = best token overlap (Jaccard) with a training phrase. */
@injectable()
export class KeywordIntentMatcher implements IntentMatcher {
  readonly id = 'keyword';

  async train(intents: readonly IntentDefinition[]): Promise<IntentClassifier> {
    const tokenize = (t: string): Set<string> => new Set(t.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
    const phrases = intents.map((i) => ({ id: i.id, sets: i.trainingPhrases.map(tokenize) }));
    return {
      classify(text: string) {
        const words = tokenize(text);
        const ranked: IntentScore[] = phrases.map(({ id, sets }) => {
          let best = 0;
          for (const set of sets) {
            const common = [...set].filter((w) => words.has(w)).length;
            const union = new Set([...set, ...words]).size;
            best = Math.max(best, union === 0 ? 0 : common / union);
          }
          return { intentId: id, score: best };
        });
        ranked.sort((a, b) => b.score - a.score || a.intentId.localeCompare(b.intentId));
        return { ranked };
      },
    };
  }
}

import type { IntentDefinition } from './bot-definition.js';
import { confidenceBand, startsDialog, type ConfidenceBand } from './confidence.js';

/** Extension point: classifies user text into one bot's intents. Bind many; a bot picks one by `id`. */
export const IntentMatcher = Symbol.for('@bottango/core/IntentMatcher');

export interface IntentMatcher {
  /** Unique name, used in bot settings (`intentMatcher`) and on the command line (`--matcher`). */
  readonly id: string;
  /** Builds a classifier for one set of intents (a bot's). May load a saved model instead of training. */
  train(intents: readonly IntentDefinition[], options?: IntentTrainingOptions): Promise<IntentClassifier>;
}

export interface IntentTrainingOptions {
  /** Called while training, `done` of `total` steps. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Intents whose examples mean "none of these" (e.g. `oos`, `None`): trained as out-of-scope, never returned. */
  readonly outOfScopeIntentIds?: readonly string[];
}

export interface IntentScore {
  readonly intentId: string;
  /** Calibrated confidence in [0, 1]. */
  readonly score: number;
}

export interface IntentClassification {
  /** Every known intent with its score, best first. */
  readonly ranked: readonly IntentScore[];
}

export interface IntentClassifier {
  classify(text: string): IntentClassification;
}

/** The explicit outcome of intent matching: the best intent at GOOD or better, or none. */
export type IntentMatchOutcome =
  | { readonly kind: 'match'; readonly intentId: string; readonly score: number; readonly band: ConfidenceBand }
  | { readonly kind: 'none'; readonly best?: IntentScore };

export function intentMatchOutcome(classification: IntentClassification, eligible?: (intentId: string) => boolean): IntentMatchOutcome {
  const best = classification.ranked.find((s) => !eligible || eligible(s.intentId));
  if (best && startsDialog(best.score)) return { kind: 'match', intentId: best.intentId, score: best.score, band: confidenceBand(best.score) };
  return best ? { kind: 'none', best } : { kind: 'none' };
}

export { bottangoPlugin, createFuzzyMatcherModule } from './plugin.js';
export { FuzzyIntentMatcher, FuzzyIntentClassifier, FuzzyMatcherOptionsToken, STOP_WORDS, type FuzzyWordMatch } from './fuzzy-intent-matcher.js';
export { fuzzyMatcherOptionsSchema, parseFuzzyMatcherOptions, type FuzzyMatcherOptions, type FuzzyMatcherOptionsInput } from './options.js';

/**
 * The matcher without the inversify module: `@bottango/matcher-natural/matcher`, for tools (benchmarks, scripts)
 * that train and classify directly and should not load the DI container.
 */
export { NaturalIntentMatcher, trainingDataHash, type NaturalIntentMatcherOptions } from './natural-intent-matcher.js';
export { NaturalIntentClassifier, DEFAULT_CONFIDENCE_CALIBRATION, MIN_REPORTED_SCORE, type ConfidenceCalibration, type SmallBotCalibration } from './natural-intent-classifier.js';

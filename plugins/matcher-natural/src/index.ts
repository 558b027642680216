export { NaturalIntentMatcher, trainingDataHash, type NaturalIntentMatcherOptions } from './natural-intent-matcher.js';
export { NaturalIntentClassifier, DEFAULT_CONFIDENCE_CALIBRATION, MIN_REPORTED_SCORE, type ConfidenceCalibration, type SmallBotCalibration } from './natural-intent-classifier.js';
export { NaturalMatcherModule, naturalMatcherOptionsSchema, bottangoPlugin, type NaturalMatcherModuleOptions } from './natural-matcher-module.js';
export { MODEL_FORMAT_NAME, MODEL_FORMAT_VERSION, type ModelFileHeader } from './model-file.js';
export { DEFAULT_TEXT_FEATURE_OPTIONS, type TextFeatureOptions } from './text-features.js';
export { DEFAULT_SOFTMAX_TRAINING_OPTIONS, type SoftmaxTrainingOptions } from './softmax-model.js';

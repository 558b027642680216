export { loadIntentDataset, parseIntentDataset, type IntentDataset, type IntentExample, type IntentDatasetSplit } from './intent-dataset.js';
export {
  evaluateIntentMatcher,
  type IntentEvalOptions,
  type IntentEvalReport,
  type IntentF1,
  type ConfusedPair,
  type ReliabilityBucket,
} from './evaluate-intent-matcher.js';
export { formatIntentEvalReport } from './format-intent-eval-report.js';

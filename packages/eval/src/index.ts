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
export { timeEach, type TimeEachOptions, type TimedRun } from './timing.js';
export {
  ROUTING_MODES,
  CONCIERGE_BOT_ID,
  ROUTING_GROUP_ID,
  ROUTING_FALLBACK_DIALOG,
  buildRoutingBots,
  loadRoutingDomains,
  parseRoutingDomains,
  type RoutingMode,
  type RoutingDomains,
  type RoutingBots,
  type RoutingBotsOptions,
} from './routing-bots.js';
export {
  evaluateRouting,
  routingOutcome,
  type RoutingEvalOptions,
  type RoutingReport,
  type RoutingDomainAccuracy,
  type RoutingConfusion,
  type RoutingOutcome,
} from './routing.js';
export { formatRoutingReport } from './routing-format.js';
export {
  evaluateSmallBots,
  smallBotRandom,
  SMALL_BOTS_METRICS,
  type SmallBotsOptions,
  type SmallBotsReport,
  type SmallBotReport,
  type SmallBotsMetrics,
  type SmallBotsSpread,
  type SmallBotsReliabilityBin,
  type SmallBotsJunkAccept,
  type SmallBotsMatcher,
  type SmallBotsClassifier,
  type SmallBotsResult,
  type SmallBotsInputKind,
  type SmallBotsSplit,
} from './small-bots.js';
export { SMALL_BOTS_JUNK, type SmallBotsJunkInput, type SmallBotsJunkGroup } from './small-bots-junk.js';
export { formatSmallBotsReport } from './small-bots-format.js';
export { renderSmallBotsSvg } from './small-bots-plot.js';

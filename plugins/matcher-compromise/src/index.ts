export { CompromiseNormalizer, COMPROMISE_NORMALIZER_CACHE_SIZE } from './compromise-normalizer.js';
export { CompromiseStarterSyntax, COMPROMISE_STARTER_SYNTAX } from './compromise-starter-syntax.js';
export { CompromiseIntentMatcher, COMPROMISE_SCORE_KNOTS, calibrateSimilarity } from './compromise-intent-matcher.js';
export {
  CompromiseMatcherModule,
  compromiseMatcherOptionsSchema,
  bottangoPlugin,
  type CompromiseMatcherModuleOptions,
} from './compromise-matcher-module.js';

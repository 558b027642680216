import { ContainerModule } from 'inversify';
import { definePlugin, IntentMatcher } from '@bottango/core';
import { FuzzyIntentMatcher, FuzzyMatcherOptionsToken } from './fuzzy-intent-matcher.js';
import { fuzzyMatcherOptionsSchema, type FuzzyMatcherOptions } from './options.js';

/** Binds the fuzzy matcher as one more `IntentMatcher` (singleton), with its options. */
export function createFuzzyMatcherModule(options: FuzzyMatcherOptions): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FuzzyMatcherOptionsToken).toConstantValue(options);
    bind(FuzzyIntentMatcher).toSelf().inSingletonScope();
    bind<IntentMatcher>(IntentMatcher).toService(FuzzyIntentMatcher);
  });
}

/**
 * What the Bottango runtime looks for when a project lists `bottango-matcher-fuzzy` under `plugins:`.
 * The runtime validates the configured options with `optionsSchema` first, so `createModule` gets them parsed.
 */
export const bottangoPlugin = definePlugin<FuzzyMatcherOptions>({
  name: 'bottango-matcher-fuzzy',
  optionsSchema: fuzzyMatcherOptionsSchema,
  createModule: (options) => createFuzzyMatcherModule(options),
});

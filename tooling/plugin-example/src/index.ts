import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { IntentMatcher, definePlugin } from '@bottango/core';
import { KeywordMatcher, KeywordMatcherOptions } from './keyword-matcher.js';

export { KeywordMatcher, KeywordMatcherOptions } from './keyword-matcher.js';

/** The plugin's options. Strict: a misspelt option is an error, not silently ignored. */
export const optionsSchema = z.strictObject({
  ignoreWords: z.array(z.string().min(1), { error: 'must be a list of words' }).default([]),
});

export const bottangoPlugin = definePlugin({
  name: 'bottango-matcher-keyword',
  optionsSchema,
  createModule: (options) =>
    new ContainerModule(({ bind }) => {
      bind<KeywordMatcherOptions>(KeywordMatcherOptions).toConstantValue(options);
      bind(KeywordMatcher).toSelf().inSingletonScope();
      bind<IntentMatcher>(IntentMatcher).toService(KeywordMatcher);
    }),
});

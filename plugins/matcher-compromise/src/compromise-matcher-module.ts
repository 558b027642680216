import { definePlugin, IntentMatcher, StarterPatternSyntax, TextNormalizer, type BottangoPlugin } from '@bottango/core';
import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { CompromiseIntentMatcher } from './compromise-intent-matcher.js';
import { CompromiseNormalizer } from './compromise-normalizer.js';
import { CompromiseStarterSyntax } from './compromise-starter-syntax.js';

export interface CompromiseMatcherModuleOptions {
  /** Bind `TextNormalizer` to `CompromiseNormalizer` (id `compromise`). Default true. */
  readonly normalizer?: boolean;
  /** Bind `StarterPatternSyntax` to `CompromiseStarterSyntax` (syntax `compromise`). Default true. */
  readonly starterSyntax?: boolean;
  /** Bind `IntentMatcher` to `CompromiseIntentMatcher` (id `compromise`). Default true. */
  readonly intentMatcher?: boolean;
}

/** Binds the compromise normaliser, starter-pattern syntax and intent matcher (each singleton, each optional). */
export class CompromiseMatcherModule {
  static fromOptions(options: CompromiseMatcherModuleOptions = {}): ContainerModule {
    const { normalizer = true, starterSyntax = true, intentMatcher = true } = options;
    return new ContainerModule(({ bind }) => {
      if (normalizer || intentMatcher) {
        // One normaliser (and one cache) shared by the extension point and the intent matcher.
        bind(CompromiseNormalizer).toSelf().inSingletonScope();
      }
      if (normalizer) bind<TextNormalizer>(TextNormalizer).toService(CompromiseNormalizer);
      if (starterSyntax) {
        bind(CompromiseStarterSyntax).toSelf().inSingletonScope();
        bind<StarterPatternSyntax>(StarterPatternSyntax).toService(CompromiseStarterSyntax);
      }
      if (intentMatcher) {
        bind(CompromiseIntentMatcher).toSelf().inSingletonScope();
        bind<IntentMatcher>(IntentMatcher).toService(CompromiseIntentMatcher);
      }
    });
  }
}

const flag = z.boolean({ error: (issue) => `must be true or false, got ${JSON.stringify(issue.input)}` }).exactOptional();

/** The plugin's options: three booleans, each default true. Unknown options are errors naming the option. */
export const compromiseMatcherOptionsSchema = z.strictObject(
  { normalizer: flag, starterSyntax: flag, intentMatcher: flag },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: normalizer, starterSyntax, intentMatcher)` : `options must be an object, got ${JSON.stringify(issue.input)}`) },
);

export const bottangoPlugin: BottangoPlugin<CompromiseMatcherModuleOptions> = definePlugin({
  name: '@bottango/matcher-compromise',
  optionsSchema: compromiseMatcherOptionsSchema,
  createModule: (options) => CompromiseMatcherModule.fromOptions(options),
});

import { BottangoError, BottangoErrorCode, definePlugin, IntentMatcher, StarterPatternSyntax, TextNormalizer, type BottangoPlugin } from '@bottango/core';
import { ContainerModule } from 'inversify';
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

const OPTION_NAMES = ['normalizer', 'starterSyntax', 'intentMatcher'] as const;

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

/** Checks untyped configuration (from a file) and names the bad field and value. */
export function parseCompromiseMatcherOptions(raw: unknown = {}): CompromiseMatcherModuleOptions {
  const where = '@bottango/matcher-compromise options';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `options must be an object, got ${JSON.stringify(raw)}`, { where, details: { value: raw } });
  }
  const record = raw as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!(OPTION_NAMES as readonly string[]).includes(key)) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `unknown option "${key}" (known: ${OPTION_NAMES.join(', ')})`, { where, details: { field: key } });
    }
  }
  const options: { -readonly [K in keyof CompromiseMatcherModuleOptions]: CompromiseMatcherModuleOptions[K] } = {};
  for (const name of OPTION_NAMES) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${name} must be true or false, got ${JSON.stringify(value)}`, {
        where,
        details: { field: name, value },
      });
    }
    options[name] = value;
  }
  return options;
}

export const bottangoPlugin: BottangoPlugin<Record<string, unknown>> = definePlugin<Record<string, unknown>>({
  name: '@bottango/matcher-compromise',
  createModule: (options) => CompromiseMatcherModule.fromOptions(parseCompromiseMatcherOptions(options)),
});

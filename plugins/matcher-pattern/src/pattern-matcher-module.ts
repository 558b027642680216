import { BottangoError, BottangoErrorCode, StarterPatternSyntax } from '@bottango/core';
import { ContainerModule } from 'inversify';
import { PatternSyntax } from './pattern-syntax.js';

/** The default pattern syntax has no settings yet; the type exists so options can be added without breaking callers. */
export type PatternMatcherModuleOptions = Record<string, never>;

export class PatternMatcherModule {
  /** Binds {@link PatternSyntax} as a singleton and `StarterPatternSyntax` to it. */
  static fromOptions(options: PatternMatcherModuleOptions = {}): ContainerModule {
    parsePatternMatcherOptions(options);
    return new ContainerModule(({ bind }) => {
      bind(PatternSyntax).toSelf().inSingletonScope();
      bind<StarterPatternSyntax>(StarterPatternSyntax).toService(PatternSyntax);
    });
  }
}

/** Checks untyped options (from a configuration file); throws INVALID_CONFIGURATION naming the bad field. */
export function parsePatternMatcherOptions(options: unknown): PatternMatcherModuleOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new BottangoError(
      BottangoErrorCode.InvalidConfiguration,
      `@bottango/matcher-pattern options must be an object, got ${JSON.stringify(options)}`,
      { details: { value: options } },
    );
  }
  const [field] = Object.keys(options);
  if (field !== undefined) {
    throw new BottangoError(
      BottangoErrorCode.InvalidConfiguration,
      `@bottango/matcher-pattern has no option "${field}" (got ${JSON.stringify((options as Record<string, unknown>)[field])}); it takes no options`,
      { details: { field, value: (options as Record<string, unknown>)[field] } },
    );
  }
  return {};
}

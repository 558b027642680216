import { StarterPatternSyntax } from '@bottango/core';
import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { PatternSyntax } from './pattern-syntax.js';

/** The default pattern syntax has no settings yet; the type exists so options can be added without breaking callers. */
export type PatternMatcherModuleOptions = Record<string, never>;

export class PatternMatcherModule {
  /** Binds {@link PatternSyntax} as a singleton and `StarterPatternSyntax` to it. */
  static fromOptions(_options: PatternMatcherModuleOptions = {}): ContainerModule {
    return new ContainerModule(({ bind }) => {
      bind(PatternSyntax).toSelf().inSingletonScope();
      bind<StarterPatternSyntax>(StarterPatternSyntax).toService(PatternSyntax);
    });
  }
}

/** The plugin takes no options: any option is an error naming it. */
export const patternMatcherOptionsSchema: z.ZodType<PatternMatcherModuleOptions> = z.strictObject(
  {},
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}; @bottango/matcher-pattern takes no options` : `options must be an object, got ${JSON.stringify(issue.input)}`) },
);

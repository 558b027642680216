import { DEFAULT_PATTERN_SYNTAX, type StarterPatternSyntax } from '@bottango/core';
import { injectable } from 'inversify';
import { compileStarterPattern, type CompiledPattern } from './compile-pattern.js';

/** The default dialog-starter pattern syntax (`pattern`): whole input, `*` wildcards, `(a|b|)` alternatives. */
@injectable()
export class PatternSyntax implements StarterPatternSyntax {
  readonly syntax: string = DEFAULT_PATTERN_SYNTAX;

  compile(pattern: string): CompiledPattern {
    return compileStarterPattern(pattern);
  }
}

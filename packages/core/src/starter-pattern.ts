/**
 * Extension point: a syntax for dialog-starter patterns. The runtime compiles every pattern once when a bot loads.
 * The default syntax is `pattern` (whole input, `*`, `(a|b|)`); plugins add others (e.g. `compromise`).
 */
export const StarterPatternSyntax = Symbol.for('@bottango/core/StarterPatternSyntax');

export interface StarterPatternSyntax {
  /** Name used in `{ syntax, pattern }` starter entries. */
  readonly syntax: string;
  /** Throws a BottangoError with code INVALID_PATTERN that says what is wrong and where. */
  compile(pattern: string): CompiledStarterPattern;
}

export interface CompiledStarterPattern {
  readonly source: string;
  matches(text: string): boolean;
}

export const DEFAULT_PATTERN_SYNTAX = 'pattern';

/** Extension point: a text normalisation step other matchers can use before matching. */
export const TextNormalizer = Symbol.for('@bottango/core/TextNormalizer');

export interface TextNormalizer {
  readonly id: string;
  normalize(text: string): string;
}

import { expect } from 'vitest';
import { BottangoErrorCode, type StarterPatternSyntax } from '@bottango/core';
import { describeChecks, type ContractCheck } from './contract-checks.js';
import { expectBottangoError } from './expect-bottango-error.js';

/** Examples in the syntax under test: the suite cannot write patterns for a syntax it does not know. */
export interface StarterPatternSyntaxContractOptions {
  /** `[pattern, text]` pairs that must match (at least one). */
  readonly matches: readonly (readonly [pattern: string, text: string])[];
  /** `[pattern, text]` pairs that must not match (at least one). */
  readonly doesNotMatch: readonly (readonly [pattern: string, text: string])[];
  /** Patterns that are mistakes in this syntax (at least one): each must fail with INVALID_PATTERN quoting it. */
  readonly invalid: readonly string[];
}

/** Texts a user may send: `matches` must answer each with a boolean, without throwing. */
const ODD_TEXTS: readonly string[] = ['', '   ', '\n\t', '🎉🎉', 'مرحبا بالعالم', 'a\u0000b', '\ud800 lone surrogate', 'ÇA VA? ça va!', 'word '.repeat(2_000)];

/** The checks of {@link describeStarterPatternSyntaxContract}, for running one by one. */
export function starterPatternSyntaxContractChecks(create: () => StarterPatternSyntax, examples: StarterPatternSyntaxContractOptions): ContractCheck[] {
  const patterns = [...new Set([...examples.matches, ...examples.doesNotMatch].map(([pattern]) => pattern))];
  return [
    {
      name: 'has a non-empty syntax name, the same on every instance',
      run: async () => {
        const syntax = create();
        expect(typeof syntax.syntax).toBe('string');
        expect(syntax.syntax.trim()).not.toBe('');
        expect(create().syntax).toBe(syntax.syntax);
      },
    },
    {
      name: 'the examples are usable: at least one match, one non-match and one invalid pattern',
      run: async () => {
        expect(examples.matches.length).toBeGreaterThan(0);
        expect(examples.doesNotMatch.length).toBeGreaterThan(0);
        expect(examples.invalid.length).toBeGreaterThan(0);
      },
    },
    {
      name: 'compile keeps the pattern as `source`',
      run: async () => {
        const syntax = create();
        for (const pattern of patterns) expect(syntax.compile(pattern).source).toBe(pattern);
      },
    },
    {
      name: 'matches what it should and nothing it should not',
      run: async () => {
        const syntax = create();
        for (const [pattern, text] of examples.matches) expect({ pattern, text, matches: syntax.compile(pattern).matches(text) }).toEqual({ pattern, text, matches: true });
        for (const [pattern, text] of examples.doesNotMatch) expect({ pattern, text, matches: syntax.compile(pattern).matches(text) }).toEqual({ pattern, text, matches: false });
      },
    },
    {
      name: 'a compiled pattern gives the same answer every time, in any order, and is not changed by compiling others',
      run: async () => {
        const syntax = create();
        const pairs = [...examples.matches, ...examples.doesNotMatch];
        const compiled = pairs.map(([pattern]) => syntax.compile(pattern));
        const answer = (i: number): boolean | undefined => compiled[i]?.matches(pairs[i]?.[1] ?? '');
        const first = pairs.map((_, i) => answer(i));
        expect(pairs.map((_, i) => answer(i)), 'asked a second time').toEqual(first);
        for (const pattern of patterns) syntax.compile(pattern);
        expect(pairs.map((_, i) => pairs.length - 1 - i).map(answer).reverse(), 'asked again, last pair first').toEqual(first);
        const fresh = create();
        expect(pairs.map(([pattern, text]) => fresh.compile(pattern).matches(text))).toEqual(first);
      },
    },
    {
      name: 'answers any text (empty, blank, emoji, RTL, NUL, lone surrogate, 10 000 characters) with a boolean, quickly',
      run: async () => {
        const syntax = create();
        for (const pattern of patterns) {
          const compiled = syntax.compile(pattern);
          for (const text of ODD_TEXTS) {
            const started = performance.now();
            expect(typeof compiled.matches(text), `${pattern} on ${JSON.stringify(text.slice(0, 20))}`).toBe('boolean');
            expect(performance.now() - started, `${pattern} on a ${text.length}-character text`).toBeLessThan(1_000);
          }
        }
      },
    },
    {
      name: 'refuses an invalid pattern with INVALID_PATTERN quoting it',
      run: async () => {
        const syntax = create();
        for (const pattern of examples.invalid) {
          const error = await expectBottangoError(async () => syntax.compile(pattern), BottangoErrorCode.InvalidPattern);
          expect(error.message).toContain(JSON.stringify(pattern));
        }
      },
    },
    {
      name: 'refuses the empty pattern with INVALID_PATTERN',
      run: async () => {
        await expectBottangoError(async () => create().compile(''), BottangoErrorCode.InvalidPattern);
      },
    },
  ];
}

/**
 * The contract every `StarterPatternSyntax` must meet: `describeStarterPatternSyntaxContract('pattern', () => new
 * PatternSyntax(), { matches: [['(hi|hello)*', 'Hello there']], doesNotMatch: [['hello', 'hello there']], invalid: ['(hi'] })`.
 */
export function describeStarterPatternSyntaxContract(name: string, create: () => StarterPatternSyntax, examples: StarterPatternSyntaxContractOptions): void {
  describeChecks(`StarterPatternSyntax contract: ${name}`, starterPatternSyntaxContractChecks(create, examples));
}

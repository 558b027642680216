import { describe, expect, it } from 'vitest';
import { BottangoError, BottangoErrorCode, type CompiledStarterPattern, type StarterPatternSyntax } from '@bottango/core';
import { failingChecks } from './contract-self-test.js';
import { starterPatternSyntaxContractChecks, type StarterPatternSyntaxContractOptions } from './starter-pattern-syntax-contract.js';

/** A tiny syntax: `word|word` matches a text holding one of the words. `bugs` break it on purpose. */
function keywordSyntax(bugs: readonly string[] = []): StarterPatternSyntax {
  return {
    syntax: bugs.includes('random-name') ? `keyword-${Math.random()}` : 'keyword',
    compile(pattern: string): CompiledStarterPattern {
      if (pattern.trim() === '' || /[()]/.test(pattern)) {
        if (bugs.includes('plain-error')) throw new Error('bad pattern');
        throw new BottangoError(BottangoErrorCode.InvalidPattern, `keyword pattern ${JSON.stringify(pattern)}: brackets are not allowed`);
      }
      const words = pattern.toLowerCase().split('|');
      const stateful = new RegExp(`\\b(${words.join('|')})\\b`, 'gi');
      return {
        source: bugs.includes('loses-source') ? pattern.toLowerCase() : pattern,
        matches: (text) => {
          if (bugs.includes('throws-on-empty') && text === '') throw new Error('empty text');
          if (bugs.includes('matches-everything')) return true;
          if (bugs.includes('stateful')) return stateful.test(text);
          return text.toLowerCase().split(/\s+/).some((word) => words.includes(word));
        },
      };
    },
  };
}

const EXAMPLES: StarterPatternSyntaxContractOptions = {
  matches: [['refund|money', 'I want a refund'], ['Refund', 'refund please']],
  doesNotMatch: [['refund', 'hello there']],
  invalid: ['(refund'],
};
const checks = (bugs: readonly string[] = [], examples = EXAMPLES) => failingChecks(starterPatternSyntaxContractChecks(() => keywordSyntax(bugs), examples));

describe('describeStarterPatternSyntaxContract', () => {
  it('passes a correct syntax', async () => {
    expect(await checks()).toEqual([]);
  });

  it.each([
    ['random-name', ['has a non-empty syntax name, the same on every instance']],
    ['loses-source', ['compile keeps the pattern as `source`']],
    ['matches-everything', ['matches what it should and nothing it should not']],
    ['stateful', ['a compiled pattern gives the same answer every time, in any order, and is not changed by compiling others']],
    ['throws-on-empty', ['answers any text (empty, blank, emoji, RTL, NUL, lone surrogate, 10 000 characters) with a boolean, quickly']],
    ['plain-error', ['refuses an invalid pattern with INVALID_PATTERN quoting it', 'refuses the empty pattern with INVALID_PATTERN']],
  ])('fails a syntax with the bug %s', async (bug, failed) => {
    expect(await checks([bug])).toEqual(failed);
  });

  it('fails when the examples cannot show anything (no non-match, no invalid pattern)', async () => {
    expect(await checks([], { ...EXAMPLES, doesNotMatch: [], invalid: [] })).toEqual(['the examples are usable: at least one match, one non-match and one invalid pattern']);
  });
});

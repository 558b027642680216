import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { compileStarterPattern, MAX_MATCH_INPUT_LENGTH } from './compile-pattern.js';
import { MAX_PATTERN_LENGTH, parsePattern, type PatternSequence } from './parse-pattern.js';
import { LazyDfa, MAX_DFA_STATES } from './lazy-dfa.js';
import { runProgram, type ProgramStats } from './pattern-program.js';

function thrownBy(action: () => unknown): BottangoError {
  try {
    action();
  } catch (error) {
    if (BottangoError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('compileStarterPattern errors', () => {
  it.each([
    ['(hi|hello', 'unclosed "(" at position 0', 0],
    ['hi (there|you', 'unclosed "(" at position 3', 3],
    ['((a|b)', 'unclosed "(" at position 0', 0],
    ['(a|b))', 'unmatched ")" at position 5', 5],
    [')', 'unmatched ")" at position 0', 0],
    ['yes|no', '"|" outside a group at position 3', 3],
    ['(a)|b', '"|" outside a group at position 3', 3],
  ])('%j: %s', (pattern, problem, position) => {
    const error = thrownBy(() => compileStarterPattern(pattern));
    expect(error.code).toBe(BottangoErrorCode.InvalidPattern);
    expect(error.message).toContain(`pattern ${JSON.stringify(pattern)}: ${problem}`);
    expect(error.details).toMatchObject({ pattern, position });
  });

  it.each(['', '   ', '...', '(|)', '( )'])('rejects %j, which has nothing to match', (pattern) => {
    expect(thrownBy(() => compileStarterPattern(pattern)).code).toBe(BottangoErrorCode.InvalidPattern);
  });

  it('rejects a non-string pattern with INVALID_PATTERN', () => {
    expect(thrownBy(() => compileStarterPattern(42 as unknown as string)).message).toContain('number');
  });

  it('refuses a pattern over 1,000 characters, quoting its first 40', () => {
    expect(MAX_PATTERN_LENGTH).toBe(1000);
    expect(compileStarterPattern(`*${'a*'.repeat(499)}b`).matches(`${'a'.repeat(499)}b`)).toBe(true); // exactly 1,000 characters
    const long = `${'*a'.repeat(5120)}*(c|d)`;
    const error = thrownBy(() => compileStarterPattern(long));
    expect(error.code).toBe(BottangoErrorCode.InvalidPattern);
    expect(error.message).toBe(`pattern "${long.slice(0, 40)}…": the pattern is 10,246 characters; the maximum is 1,000 (split it into several patterns, or use an intent)`);
    expect(error.details).toEqual({ pattern: long.slice(0, 40), length: 10_246, maxLength: 1000 });
    expect(thrownBy(() => compileStarterPattern(`${'a'.repeat(1001)}`)).code).toBe(BottangoErrorCode.InvalidPattern);
  });

  it('limits group nesting but accepts 64 levels', () => {
    expect(compileStarterPattern(`${'('.repeat(64)}a${')'.repeat(64)}`).matches('a')).toBe(true);
    expect(thrownBy(() => compileStarterPattern(`${'('.repeat(65)}a${')'.repeat(65)}`)).message).toContain('at position 64');
  });
});

describe('compiled patterns', () => {
  it('keeps the source and picks the cheapest strategy', () => {
    expect(compileStarterPattern('Hello there!').strategy).toBe('literal');
    expect(compileStarterPattern('hi *').strategy).toBe('affix');
    expect(compileStarterPattern('* bye').strategy).toBe('affix');
    expect(compileStarterPattern('*home*').strategy).toBe('contains');
    expect(compileStarterPattern('* my order *').strategy).toBe('contains');
    expect(compileStarterPattern('*a*b*').strategy).toBe('automaton');
    expect(compileStarterPattern('(hi|hey)*').strategy).toBe('automaton');
    expect(compileStarterPattern('(hi|hey)*').source).toBe('(hi|hey)*');
  });

  it('matches normalised input without normalising it again', () => {
    const pattern = compileStarterPattern('* (some|a pair of) (headphones|earbuds)*');
    expect(pattern.matchesNormalized('i want some earbuds')).toBe(true);
    expect(pattern.matchesNormalized('i want some Earbuds')).toBe(false);
  });

  it('treats nested empty alternatives and repeated stars sensibly', () => {
    const pattern = compileStarterPattern('(good ((morning|evening)|)|hi) **');
    expect(pattern.matches('good')).toBe(true);
    expect(pattern.matches('Good evening, bot')).toBe(true);
    expect(pattern.matches('good night')).toBe(true);
    expect(pattern.matches('goodnight')).toBe(false);
    expect(pattern.matches('hi')).toBe(true);
  });

  it('matches 200 patterns of a runtime correctly against the same utterances', () => {
    const topics = Array.from({ length: 50 }, (_, index) => `topic${String(index).padStart(2, '0')}`);
    const patterns = topics.flatMap((topic) => [`${topic}`, `* ${topic} *`, `(tell me about|explain) ${topic}*`, `${topic}* please`]);
    expect(patterns).toHaveLength(200);
    const compiled = patterns.map((pattern) => compileStarterPattern(pattern));
    const matching = (utterance: string): string[] => compiled.filter((p) => p.matches(utterance)).map((p) => p.source);
    expect(matching('Topic07!')).toEqual(['topic07', '* topic07 *']);
    expect(matching('Can you explain topic12s?')).toEqual([]);
    expect(matching('Explain topic12s')).toEqual(['(tell me about|explain) topic12*']);
    expect(matching('I like topic03 a lot')).toEqual(['* topic03 *']);
    expect(matching('topic49 now, please!')).toEqual(['* topic49 *', 'topic49* please']);
    expect(matching('topic49please')).toEqual([]); // the space before "please" separates words
    expect(matching('tell me about topic04')).toEqual(['* topic04 *', '(tell me about|explain) topic04*']);
    expect(matching('nothing relevant')).toEqual([]);
  });
});

/** An independent reference: the set of input positions reachable after each pattern node. */
function referenceMatch(sequence: PatternSequence, input: string): boolean {
  const boundary = (position: number): boolean => position === 0 || position === input.length || input[position - 1] === ' ';
  const advance = (nodes: PatternSequence, from: ReadonlySet<number>): Set<number> => {
    let positions = new Set(from);
    for (const node of nodes) {
      const next = new Set<number>();
      for (const position of positions) {
        if (node.kind === 'char' && input.charCodeAt(position) === node.code) next.add(position + 1);
        if (node.kind === 'space') {
          if (input[position] === ' ') next.add(position + 1);
          if (boundary(position)) next.add(position);
        }
        if (node.kind === 'star') for (let end = position; end <= input.length; end += 1) next.add(end);
        if (node.kind === 'group') for (const alternative of node.alternatives) for (const end of advance(alternative, new Set([position]))) next.add(end);
      }
      positions = next;
    }
    return positions;
  };
  return advance(sequence, new Set([0])).has(input.length);
}

/** A small deterministic generator (mulberry32) so failures are reproducible. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('matching agrees with a reference implementation', () => {
  const next = random(20240611);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const randomPattern = (depth: number): string => {
    let text = '';
    const length = 1 + Math.floor(next() * 5);
    for (let index = 0; index < length; index += 1) {
      const roll = next();
      if (roll < 0.15 && depth < 3) {
        const alternatives = Array.from({ length: 1 + Math.floor(next() * 3) }, () => (next() < 0.2 ? '' : randomPattern(depth + 1)));
        text += `(${alternatives.join('|')})`;
      } else if (roll < 0.35) text += '*';
      else if (roll < 0.55) text += ' ';
      else text += pick(['a', 'b', 'ab', 'ba', 'a b']);
    }
    return text;
  };
  const inputs = ['', 'a', 'b', 'ab', 'a b', 'b a', 'aa', 'a a', 'ab ba', 'a b a b', 'ba ab a', 'aaab', 'b b b', 'ab ab ab'];
  const patterns = new Set<string>(['*', 'a *', '* a', 'a * b', 'a*b', '* a *', '*a*', '* a*', '*a *', '*a b*', '* ab *', '* *', 'a (|b)', '(a |)b', 'a (b|) a']);
  while (patterns.size < 600) patterns.add(randomPattern(0));

  it('for 600 random patterns × 14 inputs, whichever strategy is used', () => {
    let compared = 0;
    for (const source of patterns) {
      let sequence: PatternSequence;
      try {
        sequence = parsePattern(source);
      } catch {
        continue; // nothing to match, e.g. "( )"
      }
      const compiled = compileStarterPattern(source);
      for (const input of inputs) {
        const expected = referenceMatch(sequence, input);
        expect([source, input, compiled.matchesNormalized(input)]).toEqual([source, input, expected]);
        expect([source, input, runProgram(compiled.program, input)]).toEqual([source, input, expected]);
        expect([source, input, new LazyDfa(compiled.program).matches(input)]).toEqual([source, input, expected]);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});

describe('adversarial inputs run in linear time', () => {
  const input = 'a'.repeat(100_000);

  it.each(['*a*a*a*a*a*a*a*a*a*a*b', '((a|a)*(a|a)*)*b', '(*(a|(a|a))*)*(a|a)b', '* (a|a a) (a|a a) (a|a a)*z', '*a*a*a*a*a*a*a*a*a*a*(b|c)*'])(
    '%s against 100,000 "a"',
    (source) => {
      const compiled = compileStarterPattern(source);
      const stats: ProgramStats = { steps: 0 };
      const started = performance.now();
      expect(runProgram(compiled.program, input, stats)).toBe(false);
      expect(compiled.matches(input)).toBe(false);
      // Each input position visits each state at most twice (once added, once stepped).
      expect(stats.steps).toBeLessThanOrEqual((input.length + 1) * compiled.program.size * 2);
      expect(stats.steps).toBeGreaterThan(input.length); // the NFA really ran over the whole input
      expect(performance.now() - started).toBeLessThan(10_000); // safety net only; the machine is shared
    },
  );

  it.each(['*a*a*a*a*a*a*a*a*a*a*b', '((a|a)*(a|a)*)*b', '* (a|a a) (a|a a) (a|a a)*z'])('%s: the DFA needs few states and one step per character', (source) => {
    const dfa = new LazyDfa(compileStarterPattern(source).program);
    const stats: ProgramStats = { steps: 0 };
    expect(dfa.matches(input, stats)).toBe(false);
    expect(dfa.stateCount).toBeLessThan(50);
    expect(stats.steps).toBeLessThan(input.length + 50 * 100);
  });

  it('falls back to the NFA, still correctly, when a pattern needs too many DFA states', () => {
    // "the 12th character from the end is an a": 2^12 DFA states, more than the cache allows.
    const compiled = compileStarterPattern(`*a${'(a|b)'.repeat(12)}`);
    const next = random(7);
    const text = Array.from({ length: MAX_MATCH_INPUT_LENGTH - 13 }, () => (next() < 0.5 ? 'a' : 'b')).join('');
    for (const candidate of [`${text}a${'b'.repeat(12)}`, `${text}b${'a'.repeat(12)}`]) {
      const dfa = new LazyDfa(compiled.program);
      const stats: ProgramStats = { steps: 0 };
      expect(dfa.matches(candidate, stats)).toBe(runProgram(compiled.program, candidate));
      expect(dfa.stateCount).toBe(MAX_DFA_STATES);
      expect(stats.steps).toBeLessThanOrEqual((candidate.length + 1) * compiled.program.size * 3);
    }
    expect(compiled.matches(`${text}a${'b'.repeat(12)}`)).toBe(true);
    expect(compiled.matches(`${text}b${'a'.repeat(12)}`)).toBe(false);
  });

  it('examines at most 10,000 characters of input: a longer input matches no pattern, not even *', () => {
    expect(MAX_MATCH_INPUT_LENGTH).toBe(10_000);
    for (const source of ['*', 'a*', '*a*', '(a|b)*', `a${'*'}`]) {
      expect(compileStarterPattern(source).matches('a'.repeat(MAX_MATCH_INPUT_LENGTH))).toBe(true);
      expect(compileStarterPattern(source).matches('a'.repeat(MAX_MATCH_INPUT_LENGTH + 1))).toBe(false);
    }
    expect(compileStarterPattern('a').matches(`a${' '.repeat(MAX_MATCH_INPUT_LENGTH)}`)).toBe(true); // counted after normalisation
  });

  it('bounds the worst case at the limits: a 1,000-character pattern that defeats the DFA against 10,000 characters', () => {
    // `*a*a…*a*(c|d)` has a different live NFA state set after every "a" up to its length, so the DFA cache overflows
    // and the NFA runs over the whole input. Before the limits, 10 KB of it against 100,000 "a" took 14 s here.
    const compiled = compileStarterPattern(`${'*a'.repeat(497)}*(c|d)`);
    const stats: ProgramStats = { steps: 0 };
    expect(runProgram(compiled.program, 'a'.repeat(MAX_MATCH_INPUT_LENGTH), stats)).toBe(false);
    expect(stats.steps).toBeLessThanOrEqual((MAX_MATCH_INPUT_LENGTH + 1) * compiled.program.size * 2);
    const started = performance.now();
    expect(compiled.matches('a'.repeat(MAX_MATCH_INPUT_LENGTH))).toBe(false);
    expect(compiled.matches('a'.repeat(100_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000); // safety net only; 0.14–0.31 s measured
  });

  it('long inputs that match stop as soon as a trailing * is reached', () => {
    const compiled = compileStarterPattern('(a|aa)*');
    const stats: ProgramStats = { steps: 0 };
    expect(runProgram(compiled.program, input, stats)).toBe(true);
    expect(stats.steps).toBeLessThan(100);
  });
});

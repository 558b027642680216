import { type CompiledStarterPattern } from '@bottango/core';
import { normalizeForPatterns } from './normalize.js';
import { literalText, parsePattern, type PatternNode, type PatternSequence } from './parse-pattern.js';
import { LazyDfa } from './lazy-dfa.js';
import { buildProgram, type PatternProgram } from './pattern-program.js';

/**
 * How a compiled pattern is matched (exposed for tests and benchmarks):
 * `literal` string equality; `affix` startsWith/endsWith around one `*`; `contains` one substring search for
 * `*text*`; `automaton` a lazily built DFA over the pattern's NFA.
 */
export type PatternStrategy = 'literal' | 'affix' | 'contains' | 'automaton';

/**
 * Plain text around one `*`, `prefix [space] * [space] suffix` (`hi *`, `*home`, `i want *`), or plain text between
 * two, `* [space] text [space] *` (`*refund*`, `* refund *`). Matched without an automaton.
 */
interface GlobShape {
  readonly kind: 'affix' | 'contains';
  readonly prefix: string;
  readonly suffix: string;
  readonly spaceBefore: boolean;
  readonly spaceAfter: boolean;
  /** `prefix` followed by the space before `*`, if any. */
  readonly head: string;
  /** The space after `*`, if any, followed by `suffix`. */
  readonly tail: string;
}

function makeGlob(kind: GlobShape['kind'], prefix: string, suffix: string, spaceBefore: boolean, spaceAfter: boolean): GlobShape {
  const head = kind === 'contains' ? `${spaceBefore ? ' ' : ''}${prefix}${spaceAfter ? ' ' : ''}` : spaceBefore ? `${prefix} ` : prefix;
  const tail = spaceAfter ? ` ${suffix}` : suffix;
  return { kind, prefix, suffix, spaceBefore, spaceAfter, head, tail };
}

export class CompiledPattern implements CompiledStarterPattern {
  readonly source: string;
  readonly strategy: PatternStrategy;
  /** @internal The NFA, built for every pattern (the fast paths are checked against it in tests). */
  readonly program: PatternProgram;
  private automaton: LazyDfa | undefined;
  private readonly literal: string | undefined;
  private readonly glob: GlobShape | undefined;
  private readonly requiredPrefix: string;
  private readonly requiredSuffix: string;

  /** @internal Made by `compileStarterPattern()`. */
  constructor(source: string, sequence: PatternSequence) {
    this.source = source;
    this.program = buildProgram(sequence);
    this.literal = literalText(sequence);
    this.glob = this.literal === undefined ? globShape(sequence) : undefined;
    this.strategy = this.literal !== undefined ? 'literal' : (this.glob?.kind ?? 'automaton');
    this.requiredPrefix = fixedText(sequence, 1);
    this.requiredSuffix = fixedText(sequence, -1);
  }

  /** Normalises `text` (see normalizeForPatterns) and tells whether the whole of it matches the pattern. */
  matches(text: string): boolean {
    return this.matchesNormalized(normalizeForPatterns(text));
  }

  /** Like {@link matches} for input that is already normalised. An input over MAX_MATCH_INPUT_LENGTH matches nothing. */
  matchesNormalized(input: string): boolean {
    if (input.length > MAX_MATCH_INPUT_LENGTH) return false;
    if (this.literal !== undefined) return input === this.literal;
    if (this.glob !== undefined) return matchesGlob(this.glob, input);
    const prefix = this.requiredPrefix;
    const suffix = this.requiredSuffix;
    if (input.length < prefix.length + suffix.length || !input.startsWith(prefix) || !input.endsWith(suffix)) return false;
    this.automaton ??= new LazyDfa(this.program);
    return this.automaton.matches(input);
  }
}

/**
 * Longest (normalised) input a pattern examines; a longer input matches no pattern, not even `*`. With patterns of at
 * most MAX_PATTERN_LENGTH characters this bounds one match to about 10,000 × 2,000 NFA steps (0.14–0.31 s in the worst
 * case measured, see the README), where a 100,000-character input took seconds. The HTTP server refuses messages over 2,000 characters
 * by default; the runtime itself sets no limit, so this is the one that holds for every front.
 */
export const MAX_MATCH_INPUT_LENGTH = 10_000;

/** Parses and compiles a pattern in the default syntax. Throws BottangoError INVALID_PATTERN when it is malformed. */
export function compileStarterPattern(pattern: string): CompiledPattern {
  return new CompiledPattern(pattern, parsePattern(pattern));
}

function matchesGlob(shape: GlobShape, input: string): boolean {
  const { prefix, suffix, spaceBefore, spaceAfter, head, tail } = shape;
  if (shape.kind === 'contains') {
    // `* text *`: the text must start at the input start or after a space, and end at the input end or before one;
    // padding the input with those spaces turns that into one substring search (head is the padded text).
    const haystack = spaceBefore || spaceAfter ? `${spaceBefore ? ' ' : ''}${input}${spaceAfter ? ' ' : ''}` : input;
    return haystack.includes(head);
  }
  // With a space on both sides of `*`, `*` may match nothing and the two spaces are then the same input space.
  const minimum = head.length + tail.length - (spaceBefore && spaceAfter ? 1 : 0);
  if (input.length >= minimum && input.startsWith(head) && input.endsWith(tail)) return true;
  // A single space next to `*` may match nothing at the start or end of the input: `hi *` matches "hi".
  if (spaceBefore && !spaceAfter && suffix === '') return input === prefix;
  if (spaceAfter && !spaceBefore && prefix === '') return input === suffix;
  return false;
}

function isText(node: PatternNode | undefined): boolean {
  return node !== undefined && node.kind === 'char';
}

/** Text every match must start with (`direction` 1) or end with (-1): characters, and spaces between characters. */
function fixedText(sequence: PatternSequence, direction: 1 | -1): string {
  const codes: number[] = [];
  for (let index = direction === 1 ? 0 : sequence.length - 1; index >= 0 && index < sequence.length; index += direction) {
    const node = sequence[index] as PatternNode;
    if (node.kind === 'char') codes.push(node.code);
    else if (node.kind === 'space' && isText(sequence[index + direction])) codes.push(0x20);
    else break;
  }
  if (direction === -1) codes.reverse();
  return String.fromCharCode(...codes);
}

function globShape(sequence: PatternSequence): GlobShape | undefined {
  return affixShape(sequence) ?? containsShape(sequence);
}

function containsShape(sequence: PatternSequence): GlobShape | undefined {
  const last = sequence.length - 1;
  if (last < 2 || sequence[0]?.kind !== 'star' || sequence[last]?.kind !== 'star') return undefined;
  const spaceBefore = sequence[1]?.kind === 'space';
  const spaceAfter = sequence[last - 1]?.kind === 'space';
  const text = literalText(sequence.slice(spaceBefore ? 2 : 1, spaceAfter ? last - 1 : last));
  if (text === undefined || text === '') return undefined;
  return makeGlob('contains', text, '', spaceBefore, spaceAfter);
}

function affixShape(sequence: PatternSequence): GlobShape | undefined {
  const star = sequence.findIndex((node) => node.kind === 'star');
  if (star < 0 || sequence.some((node, index) => node.kind === 'group' || (node.kind === 'star' && index !== star))) return undefined;
  const spaceBefore = sequence[star - 1]?.kind === 'space';
  const spaceAfter = sequence[star + 1]?.kind === 'space';
  const prefix = literalText(sequence.slice(0, spaceBefore ? star - 1 : star));
  const suffix = literalText(sequence.slice(spaceAfter ? star + 2 : star + 1));
  if (prefix === undefined || suffix === undefined) return undefined;
  return makeGlob('affix', prefix, suffix, spaceBefore, spaceAfter);
}

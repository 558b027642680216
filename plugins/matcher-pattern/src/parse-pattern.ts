import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { normalizeUntrimmed } from './normalize.js';

/** One element of a parsed pattern. Literal text is already normalised and split into characters and spaces. */
export type PatternNode =
  | { readonly kind: 'char'; readonly code: number }
  | { readonly kind: 'space' }
  | { readonly kind: 'star' }
  | { readonly kind: 'group'; readonly alternatives: readonly PatternSequence[] };

export type PatternSequence = readonly PatternNode[];

/** Deeper nesting than this is rejected (keeps compilation's recursion bounded). */
const MAX_GROUP_DEPTH = 64;

/**
 * Longest pattern accepted, in UTF-16 code units. Matching costs up to (input length + 1) × (NFA states, about two per
 * pattern character) steps, so the pattern length bounds the work per character of input; real patterns are tens of
 * characters, and a list of 50 alternatives of 15 characters still fits.
 */
export const MAX_PATTERN_LENGTH = 1000;

/** How much of a refused long pattern its error quotes. */
const QUOTED_PREFIX = 40;

const SPACE: PatternNode = { kind: 'space' };
const STAR: PatternNode = { kind: 'star' };

function invalid(pattern: string, problem: string, position?: number, hint?: string): BottangoError {
  const where = position === undefined ? '' : ` at position ${position}`;
  const advice = hint === undefined ? '' : ` (${hint})`;
  return new BottangoError(BottangoErrorCode.InvalidPattern, `pattern ${JSON.stringify(pattern)}: ${problem}${where}${advice}`, {
    details: position === undefined ? { pattern } : { pattern, position },
  });
}

/**
 * Parses a pattern in the default syntax. Syntax characters are the ASCII `*`, `(`, `|`, `)`; everything else is
 * literal text, normalised like user input. Throws BottangoError INVALID_PATTERN naming the pattern and position.
 */
export function parsePattern(pattern: string): PatternSequence {
  if (typeof pattern !== 'string') {
    throw new BottangoError(BottangoErrorCode.InvalidPattern, `pattern must be a string, got ${pattern === null ? 'null' : typeof pattern}`);
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    const prefix = pattern.slice(0, QUOTED_PREFIX);
    throw new BottangoError(
      BottangoErrorCode.InvalidPattern,
      `pattern ${JSON.stringify(`${prefix}…`)}: the pattern is ${pattern.length.toLocaleString('en-US')} characters; the maximum is ${MAX_PATTERN_LENGTH.toLocaleString('en-US')} (split it into several patterns, or use an intent)`,
      { details: { pattern: prefix, length: pattern.length, maxLength: MAX_PATTERN_LENGTH } },
    );
  }
  if (pattern.trim() === '') throw invalid(pattern, 'pattern is empty');
  let position = 0;

  const parseSequence = (depth: number): PatternNode[] => {
    const nodes: PatternNode[] = [];
    let literalStart = position;
    const flushLiteral = (): void => {
      if (literalStart < position) appendLiteral(nodes, normalizeUntrimmed(pattern.slice(literalStart, position)));
    };
    while (position < pattern.length) {
      const char = pattern[position];
      if (char === ')' || char === '|') break;
      if (char === '*') {
        flushLiteral();
        if (nodes[nodes.length - 1] !== STAR) nodes.push(STAR);
        position += 1;
        literalStart = position;
      } else if (char === '(') {
        flushLiteral();
        const open = position;
        if (depth >= MAX_GROUP_DEPTH) throw invalid(pattern, `groups nested deeper than ${MAX_GROUP_DEPTH}`, open);
        position += 1;
        const alternatives: PatternSequence[] = [parseSequence(depth + 1)];
        while (pattern[position] === '|') {
          position += 1;
          alternatives.push(parseSequence(depth + 1));
        }
        if (pattern[position] !== ')') throw invalid(pattern, 'unclosed "("', open);
        position += 1;
        nodes.push({ kind: 'group', alternatives });
        literalStart = position;
      } else {
        position += 1;
      }
    }
    flushLiteral();
    return nodes;
  };

  const top = parseSequence(0);
  if (position < pattern.length) {
    throw pattern[position] === '|'
      ? invalid(pattern, '"|" outside a group', position, 'write alternatives inside parentheses: "(a|b)"')
      : invalid(pattern, 'unmatched ")"', position);
  }
  while (top[0] === SPACE) top.shift();
  while (top[top.length - 1] === SPACE) top.pop();
  if (!hasContent(top)) throw invalid(pattern, 'nothing to match: the pattern has no words and no "*" after normalisation');
  return top;
}

function appendLiteral(nodes: PatternNode[], text: string): void {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x20) {
      if (nodes[nodes.length - 1] !== SPACE) nodes.push(SPACE);
    } else {
      nodes.push({ kind: 'char', code });
    }
  }
}

function hasContent(sequence: PatternSequence): boolean {
  return sequence.some(
    (node) => node.kind === 'char' || node.kind === 'star' || (node.kind === 'group' && node.alternatives.some(hasContent)),
  );
}

/** The literal text of a sequence made only of characters and spaces, or undefined if it has `*` or groups. */
export function literalText(sequence: PatternSequence): string | undefined {
  let text = '';
  for (const node of sequence) {
    if (node.kind === 'char') text += String.fromCharCode(node.code);
    else if (node.kind === 'space') text += ' ';
    else return undefined;
  }
  return text;
}

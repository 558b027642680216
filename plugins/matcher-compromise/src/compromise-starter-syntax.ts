import { BottangoError, BottangoErrorCode, type CompiledStarterPattern, type StarterPatternSyntax } from '@bottango/core';
import nlp from 'compromise';
import { injectable } from 'inversify';
import { BoundedCache } from './bounded-cache.js';

/** Syntax name used in `{ syntax: 'compromise', pattern: '…' }` starter entries. */
export const COMPROMISE_STARTER_SYNTAX = 'compromise';

/** How many parsed messages one syntax instance keeps, so N patterns tested on one message parse it once. */
const PARSED_MESSAGE_CACHE_SIZE = 64;

type CompromiseDocument = ReturnType<typeof nlp>;

/**
 * One parsed match token, as `nlp.parseMatch` returns it (compromise types it as `object`). Only the fields we read
 * or rewrite are listed.
 */
interface MatchToken {
  word?: string;
  tag?: string;
  method?: string;
  chunk?: string;
  root?: string;
  pos?: string;
  regex?: RegExp;
  fuzzy?: boolean;
  use?: string;
  start?: boolean;
  end?: boolean;
  operator?: 'or' | 'and';
  fastOr?: Set<string>;
  choices?: MatchToken[][];
}

/** Chunk names compromise assigns (`<Noun>`, `<Verb>`, …). */
const CHUNKS = new Set(['Noun', 'Verb', 'Adjective', 'Pivot']);
/** Parts of speech compromise can inflect in `{root/pos}`. */
const ROOT_POS = new Set(['Verb', 'Noun', 'Adjective']);
/** Characters that, left inside a plain word, mean the pattern was mistyped (compromise would treat them as text). */
const STRAY_SYNTAX = /[()[\]{}<>|~]|&&/;
/** A character before which a `/` opens a `/regex/` token. */
const REGEX_OPENERS = new Set([undefined, ' ', '\t', '!', '^', '[', '(', '|', '>']);

/**
 * Dialog starters written in compromise's match syntax (syntax name `compromise`).
 *
 * Semantics, decided here and documented in the README:
 * - **Anywhere**: a pattern matches when it matches any run of words in the message (compromise `.has()`), unlike
 *   the default `pattern` syntax, which must match the whole input. Anchor with `^` (first word of a sentence) and
 *   `$` (last word of a sentence); `^cancel my order$` is a whole-sentence match.
 * - **Lemma-aware words**: a plain word matches every word with the same compromise lemma, so `cancel (my|the) order`
 *   matches "Cancelled the orders". Words with an apostrophe (`can't`) match literally (compromise already matches
 *   them against the expanded contraction).
 * - Case-insensitive; punctuation and contractions are handled by compromise's tokenizer ("I'd" matches `i would`).
 *
 * Compile-time checks (BottangoError INVALID_PATTERN naming the pattern): empty pattern, unbalanced or nested
 * `()`, `[]`, `{}`, `<>`, unterminated `/regex/` or an invalid regular expression, empty alternatives `(a|)`,
 * unknown `#Tag`, `@method`, `<Chunk>` or `{root/pos}`, stray syntax characters inside a word, and `^`/`$` on a term
 * that is not the first/last.
 */
@injectable()
export class CompromiseStarterSyntax implements StarterPatternSyntax {
  readonly syntax = COMPROMISE_STARTER_SYNTAX;
  readonly #parsedMessages = new BoundedCache<CompromiseDocument>(PARSED_MESSAGE_CACHE_SIZE);

  compile(pattern: string): CompiledStarterPattern {
    if (typeof pattern !== 'string') {
      throw invalidPattern(String(pattern), `a compromise pattern must be a string, got ${typeof pattern}`);
    }
    const source = pattern;
    const trimmed = pattern.trim();
    if (trimmed === '') throw invalidPattern(source, 'the pattern is empty');

    const structureProblem = findStructureProblem(trimmed);
    if (structureProblem !== undefined) throw invalidPattern(source, structureProblem);

    let tokens: MatchToken[];
    try {
      tokens = nlp.parseMatch(trimmed) as MatchToken[];
    } catch (error) {
      throw invalidPattern(source, `compromise could not parse it (${error instanceof Error ? error.message : String(error)})`, error);
    }
    if (tokens.length === 0) throw invalidPattern(source, 'the pattern has no terms');
    const tokenProblem = findTokenProblem(tokens);
    if (tokenProblem !== undefined) throw invalidPattern(source, tokenProblem);
    makeWordsLemmaAware(tokens);

    const parse = (text: string): CompromiseDocument => this.#parse(text);
    return {
      source,
      matches(text: string): boolean {
        if (typeof text !== 'string' || text.trim() === '') return false;
        return parse(text).has(tokens);
      },
    };
  }

  #parse(text: string): CompromiseDocument {
    const cached = this.#parsedMessages.get(text);
    if (cached !== undefined) return cached;
    const doc = nlp(text);
    // Roots feed lemma-aware words; the cache lets compromise skip patterns whose words are absent.
    doc.compute('root');
    doc.cache();
    this.#parsedMessages.set(text, doc);
    return doc;
  }
}

function invalidPattern(pattern: string, problem: string, cause?: unknown): BottangoError {
  return new BottangoError(BottangoErrorCode.InvalidPattern, `invalid compromise pattern ${JSON.stringify(pattern)}: ${problem}`, {
    where: 'starter pattern (syntax compromise)',
    details: { syntax: COMPROMISE_STARTER_SYNTAX, pattern },
    ...(cause === undefined ? {} : { cause }),
  });
}

const PAIRS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{', '>': '<' };

/** Checks brackets, regex tokens and alternatives on the raw string (compromise silently reads broken ones as words). */
function findStructureProblem(pattern: string): string | undefined {
  const open: { char: string; column: number }[] = [];
  let lastInGroup: string | undefined;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern.charAt(i);
    const column = i + 1;
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (char === '/' && REGEX_OPENERS.has(i === 0 ? undefined : pattern.charAt(i - 1))) {
      const close = findRegexEnd(pattern, i + 1);
      if (close === -1) return `the /regex/ opened at column ${column} is not closed`;
      i = close;
      lastInGroup = '/';
      continue;
    }
    const inGroup = open.some((o) => o.char === '(');
    if (char in PAIRS) {
      if (open.some((o) => o.char === char)) {
        return char === '('
          ? `nested groups are not supported by compromise ('(' at column ${column} is inside another group); flatten the alternatives`
          : `'${char}' at column ${column} is inside another '${char}'`;
      }
      open.push({ char, column });
      if (char === '(') lastInGroup = '(';
      continue;
    }
    if (char in CLOSERS) {
      const top = open.pop();
      if (top === undefined || top.char !== CLOSERS[char]) {
        return top === undefined
          ? `'${char}' at column ${column} has no opening '${CLOSERS[char]}'`
          : `'${char}' at column ${column} does not close '${top.char}' from column ${top.column}`;
      }
      if (char === ')' && lastInGroup === '|') return `empty alternative before ')' at column ${column}; write 'word?' for an optional word`;
      continue;
    }
    if (inGroup && char === '|' && (lastInGroup === '(' || lastInGroup === '|')) {
      return `empty alternative at column ${column}; write 'word?' for an optional word`;
    }
    if (inGroup && char.trim() !== '') lastInGroup = char;
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) return `'${unclosed.char}' at column ${unclosed.column} is not closed`;
  return undefined;
}

function findRegexEnd(pattern: string, from: number): number {
  for (let j = from; j < pattern.length; j += 1) {
    const char = pattern.charAt(j);
    if (char === '\\') j += 1;
    else if (char === '/') return j;
  }
  return -1;
}

const tagsByLowerCase = new Map<string, string>(
  Object.keys((nlp.model() as { one: { tagSet: Record<string, unknown> } }).one.tagSet).map((tag) => [tag.toLowerCase(), tag]),
);
const termMethods = new Set(
  Object.keys((nlp.world() as { methods: { one: { termMethods: Record<string, unknown> } } }).methods.one.termMethods),
);

/** Checks parsed tokens: real tags, methods, chunks, roots; anchors in a possible place. Fixes tag case in place. */
function findTokenProblem(tokens: MatchToken[], topLevel = true): string | undefined {
  for (const [index, token] of tokens.entries()) {
    if (token.tag !== undefined) {
      const tag = tagsByLowerCase.get(token.tag.toLowerCase());
      if (tag === undefined) return `unknown tag #${token.tag} (compromise would silently match nothing; see compromise docs/tags.md)`;
      token.tag = tag; // compromise only upper-cases the first letter: '#phrasalverb' → 'PhrasalVerb'
    }
    if (token.method !== undefined && !termMethods.has(token.method)) {
      return `unknown term method @${token.method} (known: ${[...termMethods].map((m) => `@${m}`).join(', ')})`;
    }
    if (token.chunk !== undefined && !CHUNKS.has(token.chunk)) {
      return `unknown chunk <${token.chunk}> (known: ${[...CHUNKS].map((c) => `<${c}>`).join(', ')})`;
    }
    if (token.root !== undefined && token.pos !== undefined && !ROOT_POS.has(token.pos)) {
      return `{${token.root}/${token.pos.toLowerCase()}}: compromise inflects only verb, noun and adjective roots`;
    }
    if (token.word !== undefined && STRAY_SYNTAX.test(token.word)) {
      return `the term ${JSON.stringify(token.word)} holds syntax characters compromise reads as text (missing space or bracket?)`;
    }
    if (token.fastOr !== undefined) {
      const stray = [...token.fastOr].find((word) => STRAY_SYNTAX.test(word));
      if (stray !== undefined) return `the alternative ${JSON.stringify(stray)} holds syntax characters compromise reads as text`;
    }
    if (topLevel && token.start === true && index !== 0) return `'^' (start of sentence) can only anchor the first term, not term ${index + 1}`;
    if (topLevel && token.end === true && index !== tokens.length - 1) return `'$' (end of sentence) can only anchor the last term, not term ${index + 1}`;
    for (const choice of token.choices ?? []) {
      const problem = findTokenProblem(choice, false);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

const lemmaCache = new Map<string, string>();

/** The lemma compromise gives a single word out of context ("orders" → "order", "cancelled" → "cancel"). */
function lemmaOfWord(word: string): string {
  const cached = lemmaCache.get(word);
  if (cached !== undefined) return cached;
  const doc = nlp(word);
  doc.compute('root');
  const terms = doc.termList() as readonly { normal: string; root?: string }[];
  const lemma = terms.length === 1 && terms[0] !== undefined ? (terms[0].root ?? terms[0].normal) : word;
  lemmaCache.set(word, lemma);
  return lemma;
}

/**
 * Rewrites plain words into compromise's "fast or" form, which compares against each text term's root: `order`
 * becomes the set {order}, matched by "orders" (root "order"); `cancelled` becomes {cancelled, cancel}.
 */
function makeWordsLemmaAware(tokens: MatchToken[]): void {
  for (const token of tokens) {
    if (token.word !== undefined && token.fuzzy !== true && token.use === undefined && !/['’]/.test(token.word)) {
      token.fastOr = new Set([token.word, lemmaOfWord(token.word)]);
      token.operator = 'or';
      delete token.word;
    } else if (token.fastOr !== undefined && token.root === undefined) {
      // oxlint-disable-next-line no-useless-spread -- a copy: the loop adds to the set it walks
      for (const word of [...token.fastOr]) if (!/['’]/.test(word)) token.fastOr.add(lemmaOfWord(word));
    }
    for (const choice of token.choices ?? []) makeWordsLemmaAware(choice);
  }
}

import { BottangoError, BottangoErrorCode, type TextNormalizer } from '@bottango/core';
import nlp from 'compromise';
import { injectable } from 'inversify';
import { BoundedCache } from './bounded-cache.js';

/** How many distinct inputs the normaliser remembers (one compromise parse costs 0.15–1.3 ms; a cache hit about 1 µs). */
export const COMPROMISE_NORMALIZER_CACHE_SIZE = 2_000;

/** Texts longer than this are not cached (they are rarely repeated and would pin memory). */
const MAX_CACHED_TEXT_LENGTH = 500;

// Letters, digits and the whitespace between them survive; a '.' or ',' between two digits (3.50) too.
const APOSTROPHES = /['’`]/g;
const PUNCTUATION = /(?!(?<=\p{N})[.,](?=\p{N}))[^\p{L}\p{N}\s]+/gu;
const WHITESPACE = /\s+/g;

type CompromiseDocument = ReturnType<typeof nlp>;

/** The compromise term fields we read (its `Term` type omits the computed ones). */
interface CompromiseTerm {
  readonly normal: string;
  readonly root?: string;
  readonly implicit?: string;
}

/**
 * A `TextNormalizer` (id `compromise`) that reduces text to compromise lemmas:
 * lower case, contractions expanded ("I'd" → "i would", "can't" → "can not"), verbs to their infinitive and nouns
 * to their singular ("cancelled the orders" → "cancel the order"), cardinal numbers written as words to digits
 * ("two hundred and five" → "205"), punctuation removed and whitespace collapsed.
 *
 * Deterministic for a given compromise version. Results are kept in a bounded LRU cache, so repeated messages
 * (several matchers normalising the same user text) cost one parse.
 */
@injectable()
export class CompromiseNormalizer implements TextNormalizer {
  readonly id = 'compromise';
  readonly #cache = new BoundedCache<string>(COMPROMISE_NORMALIZER_CACHE_SIZE);

  normalize(text: string): string {
    if (typeof text !== 'string') {
      throw new BottangoError(BottangoErrorCode.InvalidValue, `text to normalise must be a string, got ${typeof text}`, {
        where: 'CompromiseNormalizer.normalize',
        details: { field: 'text', value: text },
      });
    }
    const cached = this.#cache.get(text);
    if (cached !== undefined) return cached;
    const normalized = normalizeWithCompromise(text);
    if (text.length <= MAX_CACHED_TEXT_LENGTH) this.#cache.set(text, normalized);
    return normalized;
  }

  /** The lemmas of `text`, in order (the normalised text split on spaces). */
  lemmas(text: string): string[] {
    const normalized = this.normalize(text);
    return normalized === '' ? [] : normalized.split(' ');
  }
}

function normalizeWithCompromise(text: string): string {
  if (text.trim() === '') return '';
  const doc = nlp(text);
  // Cardinals only: "first" stays a word. A lone "one" stays too unless a noun follows ("one ticket" → "1 ticket"),
  // because "the first one", "no one" and "one-way" are not quantities. Guarded: the number pass costs ~0.2 ms.
  if (doc.has('#TextValue')) {
    const quantities = doc
      .numbers()
      .isCardinal()
      .filter((m) => m.text('normal') !== 'one' || (m.lookAhead('^#Noun').found && !m.has('@hasHyphen'))) as CompromiseDocument;
    quantities.numbers().toNumber();
  }
  doc.compute('root');
  const words: string[] = [];
  for (const term of doc.termList() as readonly CompromiseTerm[]) {
    // A contraction is already split into terms: "I'd" → "i" + an implicit "would".
    const lemma = (term.root ?? term.implicit ?? term.normal).toLowerCase().replace(APOSTROPHES, '').replace(PUNCTUATION, ' ');
    words.push(lemma);
  }
  return words.join(' ').replace(WHITESPACE, ' ').trim();
}

import { normalizeForPatterns } from './normalize.js';

const normalizedKeywordLists = new WeakMap<readonly string[], readonly string[]>();

function normalizedKeywords(keywords: readonly string[]): readonly string[] {
  let normalized = normalizedKeywordLists.get(keywords);
  if (normalized === undefined) {
    normalized = keywords.map((keyword) => (typeof keyword === 'string' ? normalizeForPatterns(keyword) : ''));
    normalizedKeywordLists.set(keywords, normalized);
  }
  return normalized;
}

/**
 * Returns the first of `keywords` (as written) that occurs in the input as whole words — "no" is found in
 * "no thanks" but not in "nothing"; "not now" is found in "well not now thanks". Keywords are normalised like input
 * (so "Don’t!" finds "don't"); keywords that normalise to nothing are ignored. Returns undefined when none occurs.
 *
 * `normalizedInput` should be the output of normalizeForPatterns; raw text is normalised again (cheaply: the last
 * normalisation is cached), so passing raw text is safe too.
 */
export function matchesExcludeKeyword(normalizedInput: string, keywords: readonly string[]): string | undefined {
  if (keywords.length === 0) return undefined;
  const padded = ` ${normalizeForPatterns(normalizedInput)} `;
  const normalized = normalizedKeywords(keywords);
  for (let index = 0; index < normalized.length; index += 1) {
    const keyword = normalized[index] as string;
    if (keyword !== '' && padded.includes(` ${keyword} `)) return keywords[index];
  }
  return undefined;
}

/**
 * Text normalisation shared by pattern literals and user input, so that both sides of a match are compared in the
 * same form. The rules, in order:
 *
 * 1. Unicode NFKC (full-width letters, ligatures and compatibility forms become their plain form).
 * 2. Lower case (`String.prototype.toLowerCase`, locale independent).
 * 3. An apostrophe (`'`, `’`, `‘`, `ʼ`) between two letters or digits ("don't", "o’clock") is kept, as `'`.
 * 4. Every other character that is not a letter, mark, digit, symbol (`$`, `+`, `€`, emoji…) or `_` — i.e.
 *    punctuation, whitespace and control characters — is a separator; each run of separators becomes one space.
 * 5. Leading and trailing spaces are removed (only in {@link normalizeForPatterns}; pattern literals keep them,
 *    because a space next to `*` or a group is meaningful there).
 */

const WORD_CHAR = '\\p{L}\\p{N}\\p{M}';
/** Curly and modifier apostrophes between two word characters become a plain `'`. */
const IN_WORD_APOSTROPHE = new RegExp(`(?<=[${WORD_CHAR}])[\u2018\u2019\u02BC](?=[${WORD_CHAR}])`, 'gu');
/** A plain `'` that is not between two word characters is a separator. */
const LOOSE_APOSTROPHE = new RegExp(`(?<![${WORD_CHAR}])'|'(?![${WORD_CHAR}])`, 'gu');
/** Anything that is not kept is a separator; a run of them becomes one space. */
const SEPARATOR_RUN = new RegExp(`[^${WORD_CHAR}\\p{S}_']+`, 'gu');
/** Characters that make the slow path necessary; plain lower-case ASCII words and single spaces skip it. */
const NEEDS_WORK = /[^a-z0-9 ]| {2}|^ | $/;

/** Normalises without trimming: used for pattern literals, where edge spaces are significant. */
export function normalizeUntrimmed(text: string): string {
  if (!NEEDS_WORK.test(text)) return text;
  let result = text.normalize('NFKC').toLowerCase();
  if (result.includes("'") || /[\u2018\u2019\u02BC]/.test(result)) {
    result = result.replace(IN_WORD_APOSTROPHE, "'").replace(LOOSE_APOSTROPHE, ' ');
  }
  return result.replace(SEPARATOR_RUN, ' ');
}

let lastRaw: string | undefined;
let lastNormalized: string | undefined;

/**
 * The normalisation applied to user input before pattern matching (and to pattern literals): NFKC, lower case,
 * punctuation other than `_` and in-word apostrophes → space, whitespace collapsed and trimmed. Idempotent.
 *
 * The last result is remembered, so matching one utterance against many patterns normalises it once.
 */
export function normalizeForPatterns(text: string): string {
  if (text === lastRaw || text === lastNormalized) return lastNormalized as string;
  const normalized = trimSpaces(normalizeUntrimmed(text));
  lastRaw = text;
  lastNormalized = normalized;
  return normalized;
}

function trimSpaces(text: string): string {
  const start = text.startsWith(' ') ? 1 : 0;
  const end = text.endsWith(' ') ? text.length - 1 : text.length;
  return start === 0 && end === text.length ? text : text.slice(start, Math.max(start, end));
}

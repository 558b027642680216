import { createRequire } from 'node:module';

/**
 * natural's tokenizer and Porter stemmer, loaded by deep path so that loading this plugin does not pull in
 * natural's index (which loads its database clients and dotenv, reading `.env` and printing to stdout).
 */
const require = createRequire(import.meta.url);

interface NaturalTokenizer {
  tokenize(text: string): string[];
}
interface NaturalStemmer {
  stem(token: string): string;
}

const { RegexpTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer.js') as {
  RegexpTokenizer: new (options: { pattern: RegExp; gaps?: boolean }) => NaturalTokenizer;
};
const porterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as NaturalStemmer;

/**
 * Runs of letters, digits and apostrophes (Unicode-aware, unlike natural's aggressive tokenizer). Matching the words
 * (`gaps: false`) rather than splitting on the gaps skips natural's removal of empty strings, which allocated more than
 * the rest of classifying a text.
 */
const wordTokenizer = new RegexpTokenizer({ pattern: /[\p{L}\p{N}']+/gu, gaps: false });

/** Lower-cased words; outer apostrophes and a possessive `'s` are dropped ("month's" → "month"). */
export function tokenizeWords(text: string): string[] {
  // natural returns null (String#match) when the text has no word at all.
  const tokens = (wordTokenizer.tokenize(text.toLowerCase()) as string[] | null) ?? [];
  const words: string[] = [];
  for (const token of tokens) {
    const word = token.indexOf("'") < 0 ? token : token.replace(/^'+|'+$/g, '').replace(/'s$/, '');
    if (word.length > 0) words.push(word);
  }
  return words;
}

/**
 * Function words and chat filler ("please", "tell me", "i would like"): they carry no evidence for an intent, so the
 * confidence does not count them when it asks how much of the text the model knows.
 */
const STOP_WORDS = new Set(
  (
    'a an the i me my mine myself you your yours yourself we us our ours he him his she her it its they them their ' +
    'this that these those is are was were be been being am do does did doing done have has had having ' +
    'can could would should will shall may might must to of in on at for with from by about as into onto than ' +
    'and or but if then so not what which who whom whose when where why how there here please want wanna need ' +
    'let tell know get got like much many some any all just also very too really more most other up out again ' +
    'now still okay ok thanks thank hi hey hello yes no every each few both own same such only several another ' +
    'something anything nothing everything someone anyone somebody anybody one'
  ).split(' '),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** Longer words are not stemmed: no English word is this long, and natural's stemmer takes ~250 ms on 10,000 "q"s. */
const MAX_STEMMED_LENGTH = 40;

export function porterStem(token: string): string {
  return token.length > MAX_STEMMED_LENGTH ? token : porterStemmer.stem(token);
}

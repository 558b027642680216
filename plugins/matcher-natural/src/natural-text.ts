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

/** Splits on anything that is not a letter, digit or apostrophe (Unicode-aware, unlike natural's aggressive tokenizer). */
const wordTokenizer = new RegexpTokenizer({ pattern: /[^\p{L}\p{N}']+/u });

export function tokenizeWords(text: string): string[] {
  return wordTokenizer.tokenize(text.toLowerCase()).map((t) => t.replace(/^'+|'+$/g, '')).filter((t) => t.length > 0);
}

export function porterStem(token: string): string {
  return porterStemmer.stem(token);
}

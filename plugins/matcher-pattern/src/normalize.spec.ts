import { describe, expect, it } from 'vitest';
import { normalizeForPatterns } from './normalize.js';

describe('normalizeForPatterns', () => {
  it('is idempotent on mixed text', () => {
    const samples = ["  Don’t STOP!!  ", "l'été — ﬁn", 'ＡＢＣ　ｄｅｆ', "'x' y'", 'a\u0301b', '😀 smile_now', "o'", "''a''", 'İstanbul', '\u200bzero\u200bwidth'];
    for (const sample of samples) {
      const once = normalizeForPatterns(sample);
      expect(normalizeForPatterns(once)).toBe(once);
      expect(once).toBe(once.trim());
      expect(once).not.toMatch(/ {2}/);
    }
  });

  it('returns the right result when inputs alternate (the one-entry cache never leaks)', () => {
    expect(normalizeForPatterns('Hello!')).toBe('hello');
    expect(normalizeForPatterns('BYE')).toBe('bye');
    expect(normalizeForPatterns('hello')).toBe('hello');
    expect(normalizeForPatterns('Hello!')).toBe('hello');
    expect(normalizeForPatterns('bye')).toBe('bye');
    expect(normalizeForPatterns('BYE')).toBe('bye');
  });

  it('composes combining marks and keeps in-word apostrophes after them', () => {
    expect(normalizeForPatterns('CAFE\u0301')).toBe('café');
    expect(normalizeForPatterns('l’e\u0301te\u0301')).toBe("l'été");
  });
});

import { describe, expect, it } from 'vitest';
import type { TextNormalizer } from '@bottango/core';
import { failingChecks } from './contract-self-test.js';
import { textNormalizerContractChecks } from './text-normalizer-contract.js';

/** Lower case, one space between words. `bugs` break it on purpose. */
function lowerCaseNormalizer(bugs: readonly string[] = []): TextNormalizer {
  const cacheByLength = new Map<number, string>();
  return {
    id: bugs.includes('random-id') ? `lower-${Math.random()}` : 'lower',
    normalize(text: string): string {
      if (bugs.includes('throws-on-empty') && text === '') throw new Error('empty text');
      if (bugs.includes('cache-by-length')) {
        const hit = cacheByLength.get(text.length);
        if (hit !== undefined) return hit;
      }
      let normalized = text.toLowerCase().replace(/\s+/g, ' ').trim();
      if (bugs.includes('appends-full-stop')) normalized += '.';
      cacheByLength.set(text.length, normalized);
      return normalized;
    },
  };
}

const checks = (bugs: readonly string[] = []) => failingChecks(textNormalizerContractChecks(() => lowerCaseNormalizer(bugs), { examples: [['Hello   World', 'hello world']] }));

describe('describeTextNormalizerContract', () => {
  it('passes a correct normaliser', async () => {
    expect(await checks()).toEqual([]);
  });

  it.each([
    ['random-id', 'has a non-empty id, the same on every instance'],
    ['throws-on-empty', 'returns a string for any text (empty, blank, emoji, RTL, NUL, lone surrogate, 10 000 characters), quickly'],
    ['cache-by-length', 'is deterministic: the same text gives the same output, again, in another order and on another instance'],
    ['appends-full-stop', 'is idempotent: normalising a normalised text changes nothing (training phrases and messages may pass twice)'],
    ['appends-full-stop', 'gives the documented output for the examples'],
  ])('fails a normaliser with the bug %s: %s', async (bug, failed) => {
    expect(await checks([bug])).toContain(failed);
  });
});

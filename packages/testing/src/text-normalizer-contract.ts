import { expect } from 'vitest';
import type { TextNormalizer } from '@bottango/core';
import { describeChecks, type ContractCheck } from './contract-checks.js';

export interface TextNormalizerContractOptions {
  /** `[input, expected output]` pairs of your normaliser (what it is for: case, contractions, lemmas…). */
  readonly examples?: readonly (readonly [input: string, output: string])[];
}

/** Everyday and awkward inputs: every one must come back as a string, the same each time. */
const TEXTS: readonly string[] = [
  'Hello, World!',
  "I'd like to CANCEL two orders",
  "they're cancelling the hotels!",
  'The cats were running quickly',
  '  spaced   out  ',
  'e-mail bob@example.com about order #42',
  '3.5 kg of apples',
  'Ünïcödé café naïve',
  'emoji 🎉 party',
  'مرحبا بالعالم',
  'a\u0000b',
  '\ud800 lone surrogate',
  '',
  '   ',
  '\n\t',
  'word '.repeat(2_000),
];

/** The checks of {@link describeTextNormalizerContract}, for running one by one. */
export function textNormalizerContractChecks(create: () => TextNormalizer, options: TextNormalizerContractOptions = {}): ContractCheck[] {
  return [
    {
      name: 'has a non-empty id, the same on every instance',
      run: async () => {
        const normalizer = create();
        expect(typeof normalizer.id).toBe('string');
        expect(normalizer.id.trim()).not.toBe('');
        expect(create().id).toBe(normalizer.id);
      },
    },
    {
      name: 'returns a string for any text (empty, blank, emoji, RTL, NUL, lone surrogate, 10 000 characters), quickly',
      run: async () => {
        const normalizer = create();
        for (const text of TEXTS) {
          const started = performance.now();
          expect(typeof normalizer.normalize(text), JSON.stringify(text.slice(0, 20))).toBe('string');
          expect(performance.now() - started, `a ${text.length}-character text`).toBeLessThan(2_000);
        }
      },
    },
    {
      name: 'is deterministic: the same text gives the same output, again, in another order and on another instance',
      run: async () => {
        const normalizer = create();
        const first = TEXTS.map((text) => normalizer.normalize(text));
        expect(TEXTS.map((text) => normalizer.normalize(text)), 'asked a second time').toEqual(first);
        expect([...TEXTS].reverse().map((text) => normalizer.normalize(text)).reverse(), 'asked last text first').toEqual(first);
        const other = create();
        expect([...TEXTS].reverse().map((text) => other.normalize(text)).reverse(), 'on a new instance').toEqual(first);
      },
    },
    {
      name: 'is idempotent: normalising a normalised text changes nothing (training phrases and messages may pass twice)',
      run: async () => {
        const normalizer = create();
        for (const text of TEXTS) {
          const once = normalizer.normalize(text);
          expect(normalizer.normalize(once), JSON.stringify(text.slice(0, 40))).toBe(once);
        }
      },
    },
    {
      name: 'gives the documented output for the examples',
      run: async () => {
        const normalizer = create();
        for (const [input, output] of options.examples ?? []) expect({ input, output: normalizer.normalize(input) }).toEqual({ input, output });
      },
    },
  ];
}

/**
 * The contract every `TextNormalizer` must meet: `describeTextNormalizerContract('compromise', () => new
 * CompromiseNormalizer(), { examples: [["I'd cancel TWO orders", 'i would cancel 2 order']] })`.
 */
export function describeTextNormalizerContract(name: string, create: () => TextNormalizer, options: TextNormalizerContractOptions = {}): void {
  describeChecks(`TextNormalizer contract: ${name}`, textNormalizerContractChecks(create, options));
}

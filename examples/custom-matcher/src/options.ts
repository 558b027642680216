import { z } from 'zod';

/**
 * The plugin's options, as written under `options:` in bottango.config.yaml. zod 4 schemas are Standard Schemas,
 * so the Bottango runtime validates the options with this schema before `createModule` and reports every issue
 * with its path (e.g. `options.threshold: Too big: expected number to be <=0.6`).
 */
export const fuzzyMatcherOptionsSchema = z
  .strictObject({
    /** The matcher's id, what bots name in `settings.intentMatcher`. */
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'use lower-case letters, digits and hyphens, starting with a letter').default('fuzzy'),
    /**
     * How different a word may be from a known word and still count (Fuse.js `threshold`: 0 = exact only).
     * The default tolerates about one typo in five letters.
     */
    threshold: z.number().min(0).max(0.6).default(0.34),
    /** Words shorter than this are ignored (besides the stop words). */
    minWordLength: z.number().int().min(1).max(10).default(2),
    /** More words to ignore, on top of the built-in English stop words. */
    stopWords: z.array(z.string().min(1)).default([]),
  })
  .default({ id: 'fuzzy', threshold: 0.34, minWordLength: 2, stopWords: [] });

/** The options after validation, every default applied. */
export type FuzzyMatcherOptions = z.output<typeof fuzzyMatcherOptionsSchema>;

/** The options as a user may write them (all optional). */
export type FuzzyMatcherOptionsInput = z.input<typeof fuzzyMatcherOptionsSchema>;

/** Parses options given in code (throws a ZodError listing every issue). */
export function parseFuzzyMatcherOptions(options: unknown = {}): FuzzyMatcherOptions {
  return fuzzyMatcherOptionsSchema.parse(options);
}

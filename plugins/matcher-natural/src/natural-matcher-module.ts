import { ContainerModule } from 'inversify';
import { definePlugin, IntentMatcher, type BottangoPlugin } from '@bottango/core';
import { z } from 'zod';
import { NaturalIntentMatcher } from './natural-intent-matcher.js';

export interface NaturalMatcherModuleOptions {
  /** Directory where trained models are saved and reused while the training data is unchanged. */
  readonly cacheDir?: string;
  /** Training epochs on large corpora (small corpora get more). Default 8. */
  readonly epochs?: number;
}

/** Binds `NaturalIntentMatcher` (id `natural`) as an `IntentMatcher`, in singleton scope. */
export class NaturalMatcherModule {
  static fromOptions(options: NaturalMatcherModuleOptions = {}): ContainerModule {
    return new ContainerModule(({ bind }) => {
      bind(NaturalIntentMatcher)
        .toDynamicValue(
          () =>
            new NaturalIntentMatcher({
              ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
              ...(options.epochs === undefined ? {} : { training: { epochs: options.epochs } }),
            }),
        )
        .inSingletonScope();
      bind<IntentMatcher>(IntentMatcher).toService(NaturalIntentMatcher);
    });
  }
}

/**
 * The plugin's options: `cacheDir` (a non-empty directory path) and `epochs` (an integer from 1 to 1000). Unknown
 * options are errors; each message names what is wrong and the value given.
 */
export const naturalMatcherOptionsSchema = z.strictObject(
  {
    cacheDir: z.string({ error: (issue) => `must be a non-empty directory path, got ${JSON.stringify(issue.input)}` }).min(1).exactOptional(),
    epochs: z.number({ error: (issue) => `must be an integer from 1 to 1000, got ${JSON.stringify(issue.input)}` }).int().min(1).max(1000).exactOptional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: cacheDir, epochs)` : `options must be an object, got ${JSON.stringify(issue.input)}`) },
);

export const bottangoPlugin: BottangoPlugin<NaturalMatcherModuleOptions> = definePlugin({
  name: '@bottango/matcher-natural',
  optionsSchema: naturalMatcherOptionsSchema,
  createModule: (options) => NaturalMatcherModule.fromOptions(options),
});

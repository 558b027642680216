import { ContainerModule } from 'inversify';
import { BottangoError, BottangoErrorCode, definePlugin, IntentMatcher } from '@bottango/core';
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

function invalid(field: string, value: unknown, expected: string): BottangoError {
  return new BottangoError(BottangoErrorCode.InvalidConfiguration, `option ${field} is ${JSON.stringify(value)}; expected ${expected}`, {
    where: '@bottango/matcher-natural',
    details: { field, value },
  });
}

/** Validates untyped plugin options. */
export function parseNaturalMatcherOptions(raw: unknown): NaturalMatcherModuleOptions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('(options)', raw, 'an object');
  const { cacheDir, epochs, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw invalid(unknown[0] as string, rest[unknown[0] as string], 'no such option (known: cacheDir, epochs)');
  if (cacheDir !== undefined && (typeof cacheDir !== 'string' || cacheDir.length === 0)) throw invalid('cacheDir', cacheDir, 'a non-empty directory path');
  if (epochs !== undefined && (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 1 || epochs > 1000)) throw invalid('epochs', epochs, 'an integer from 1 to 1000');
  return { ...(cacheDir === undefined ? {} : { cacheDir }), ...(epochs === undefined ? {} : { epochs }) };
}

export const bottangoPlugin = definePlugin<Record<string, unknown>>({
  name: '@bottango/matcher-natural',
  createModule: (options) => NaturalMatcherModule.fromOptions(parseNaturalMatcherOptions(options)),
});

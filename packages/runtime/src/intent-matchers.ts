import { Container } from 'inversify';
import { BottangoError, BottangoErrorCode, IntentMatcher } from '@bottango/core';
import { loadPlugins, type PluginLoadOptions, type PluginReference } from './plugin-loader.js';

/** The intent matchers bound in a container, by ID; two with one ID are a configuration error. */
export function intentMatchersIn(container: Container): Map<string, IntentMatcher> {
  const matchers = new Map<string, IntentMatcher>();
  for (const matcher of container.isBound(IntentMatcher) ? container.getAll<IntentMatcher>(IntentMatcher) : []) {
    if (matchers.has(matcher.id)) throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `two plugins provide intent matcher "${matcher.id}"; load one of them`);
    matchers.set(matcher.id, matcher);
  }
  return matchers;
}

/** Loads plugins by name and returns the intent matchers they provide, by ID (for evaluating a matcher without bots). */
export async function loadIntentMatchers(references: readonly PluginReference[], options: PluginLoadOptions = {}): Promise<ReadonlyMap<string, IntentMatcher>> {
  const loaded = await loadPlugins(references, options);
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(...loaded.map((plugin) => plugin.module));
  return intentMatchersIn(container);
}

import { IntentMatcher, StarterPatternSyntax, TextNormalizer } from '@bottango/core';
import { loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract } from '@bottango/testing';

describeBottangoPluginContract(await import('./index.js'), {
  loadPlugins,
  validOptions: [{}, { intentMatcher: false }, { normalizer: false, starterSyntax: true }],
  invalidOptions: [
    [{ normalizer: 'yes' }, 'normalizer'],
    [{ intentMatchers: true }, 'intentMatchers'],
  ],
  provides: [IntentMatcher, StarterPatternSyntax, TextNormalizer],
});

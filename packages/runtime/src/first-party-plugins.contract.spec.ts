import { describeBottangoPluginContract } from '@bottango/testing';
import { ContextStore, StarterPatternSyntax } from '@bottango/core';
import { loadPlugins } from './plugin-loader.js';

// The two plugins the runtime bundles (they cannot run this suite themselves: the runtime depends on them).
describeBottangoPluginContract(await import('@bottango/matcher-pattern'), {
  loadPlugins,
  validOptions: [{}, undefined],
  invalidOptions: [[{ caseSensitive: true }, 'caseSensitive']],
  provides: [StarterPatternSyntax],
});

describeBottangoPluginContract(await import('@bottango/store-memory'), {
  loadPlugins,
  validOptions: [{}, { sweepIntervalMs: 1_000 }],
  invalidOptions: [
    [{ sweepIntervalMs: -5 }, 'sweepIntervalMs'],
    [{ sweepIntervalMs: 'soon' }, 'sweepIntervalMs'],
    [{ sweepMs: 5 }, 'sweepMs'],
  ],
  provides: [ContextStore],
});

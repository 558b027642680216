import { IntentMatcher } from '@bottango/core';
import { loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract } from '@bottango/testing';

describeBottangoPluginContract(await import('./index.js'), {
  loadPlugins,
  validOptions: [{}, { cacheDir: '.bottango/models', epochs: 4 }],
  invalidOptions: [
    [{ epochs: -1 }, 'epochs'],
    [{ epochs: 1001 }, 'epochs'],
    [{ cacheDir: '' }, 'cacheDir'],
    [{ cachedir: 'x' }, 'cachedir'],
  ],
  provides: [IntentMatcher],
});

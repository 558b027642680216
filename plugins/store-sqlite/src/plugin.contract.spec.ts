import { ContextStore } from '@bottango/core';
import { loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract } from '@bottango/testing';

// Only modules are made: no database file is opened (that happens when the store is first resolved).
describeBottangoPluginContract(await import('./index.js'), {
  loadPlugins,
  validOptions: [{ path: 'contract.sqlite' }, { path: 'contract.sqlite', provides: 'state', synchronous: 'FULL', busyTimeoutMs: 100 }],
  invalidOptions: [
    [{}, 'path'],
    [{ path: 'a', sweepIntervalMs: 0 }, 'sweepIntervalMs'],
    [{ path: 'a', synchronous: 'OFF' }, 'synchronous'],
    [{ path: 'a', provides: 'both' }, 'provides'],
    [{ path: 'a', provides: 'state', sweepIntervalMs: 5 }, 'sweepIntervalMs'],
    [{ path: 'a', file: 'b' }, 'file'],
  ],
  provides: [ContextStore],
});

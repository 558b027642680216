import { ContextStore } from '@bottango/core';
import { loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract } from '@bottango/testing';

// Only modules are made: nothing connects (the connection is made when the store is first resolved).
describeBottangoPluginContract(await import('./index.js'), {
  loadPlugins,
  validOptions: [{ url: 'redis://127.0.0.1:6379/0' }, { url: 'rediss://user:secret@example.com:6380/2', keyPrefix: 'app:', provides: 'state', connectTimeoutMs: 100 }],
  invalidOptions: [
    [{}, 'url'],
    [{ url: 'http://example.com' }, 'url'],
    [{ url: 'redis://h', keyPrefix: 3 }, 'keyPrefix'],
    [{ url: 'redis://h', commandTimeoutMs: -1 }, 'commandTimeoutMs'],
    [{ url: 'redis://h', provides: 'states' }, 'provides'],
    [{ url: 'redis://h', host: 'x' }, 'host'],
  ],
  provides: [ContextStore],
});

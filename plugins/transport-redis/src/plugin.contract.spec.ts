import { TransferTransport } from '@bottango/core';
import { loadPlugins } from '@bottango/runtime';
import { describeBottangoPluginContract } from '@bottango/testing';

// Only modules are made: nothing connects (the connection is made when the transport is first resolved).
describeBottangoPluginContract(await import('./index.js'), {
  loadPlugins,
  validOptions: [{ url: 'redis://127.0.0.1:6379/0' }, { url: 'redis://h', keyPrefix: 'x:', transferTimeoutMs: 500, heartbeatMs: 100 }],
  invalidOptions: [
    [{ url: 'http://x' }, 'url'],
    [{ url: 'redis://h', transferTimeoutMs: -1 }, 'transferTimeoutMs'],
    [{ url: 'redis://h', claimIdleMs: 1.5 }, 'claimIdleMs'],
    [{ url: 'redis://h', keyPrefix: '' }, 'keyPrefix'],
    [{ url: 'redis://h', timeout: 5 }, 'timeout'],
  ],
  provides: [TransferTransport],
});

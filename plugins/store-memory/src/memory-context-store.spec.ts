import { describeContextStoreContract } from '@bottango/testing';
import { MemoryContextStore } from './memory-context-store.js';

let now = Date.UTC(2025, 0, 1);
describeContextStoreContract('MemoryContextStore (test clock)', () => new MemoryContextStore({ now: () => now }), {
  advanceTime: (ms) => {
    now += ms;
  },
});

describeContextStoreContract('MemoryContextStore (real clock)', () => new MemoryContextStore());

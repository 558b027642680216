import { describe, expect, it } from 'vitest';
import { isRedisStreamsTransport } from './index.js';

describe('isRedisStreamsTransport', () => {
  // What another copy of the package's transport looks like from here: same shape, another class.
  const otherCopy = {
    id: 'redis-streams',
    redis: {},
    keys: {},
    registry: {},
    settings: {},
    events: {},
    clearDeadline: () => undefined,
    reportFailure: () => undefined,
    ensureDeadline: () => undefined,
    forwardMessage: () => undefined,
  };

  it('accepts a transport from another copy of the package, by its shape', () => {
    expect(isRedisStreamsTransport(otherCopy)).toBe(true);
  });

  it('refuses other transports and half-shaped objects', () => {
    expect(isRedisStreamsTransport({ ...otherCopy, id: 'in-process' })).toBe(false);
    expect(isRedisStreamsTransport({ ...otherCopy, forwardMessage: undefined })).toBe(false);
    expect(isRedisStreamsTransport(null)).toBe(false);
    expect(isRedisStreamsTransport('redis-streams')).toBe(false);
  });
});

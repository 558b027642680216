import { describe, expect, it } from 'vitest';
import { parseRedisTransportOptions } from './redis-transport-module.js';
import { RedisStreamsTransport } from './redis-streams-transport.js';

describe('transport options', () => {
  it('accepts the documented options', () => {
    expect(parseRedisTransportOptions({ url: 'redis://127.0.0.1:6379/0', transferTimeoutMs: 500, keyPrefix: 'x:' })).toMatchObject({ transferTimeoutMs: 500 });
  });

  it.each([
    [{ url: 'http://x' }, 'url'],
    [{ url: 'redis://h', transferTimeoutMs: -1 }, 'transferTimeoutMs must be a positive whole number, got -1'],
    [{ url: 'redis://h', claimIdleMs: 1.5 }, 'claimIdleMs must be a positive whole number, got 1.5'],
    [{ url: 'redis://h', keyPrefix: '' }, 'keyPrefix must be a non-empty string'],
    [{ url: 'redis://h', timeout: 5 }, 'unknown option "timeout"'],
  ])('refuses %j with INVALID_CONFIGURATION naming the field', (raw, message) => {
    expect(() => parseRedisTransportOptions(raw)).toThrow(message);
    expect(() => parseRedisTransportOptions(raw)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });

  it('fails to connect with TRANSPORT_UNAVAILABLE naming the URL', async () => {
    await expect(RedisStreamsTransport.connect({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 500 })).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', message: expect.stringContaining('redis://127.0.0.1:1/0') });
  });
});

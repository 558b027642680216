import { describe, expect, it } from 'vitest';
import { validatePluginOptions } from '@bottango/core';
import { bottangoPlugin } from './redis-transport-module.js';
import { RedisStreamsTransport } from './redis-streams-transport.js';

describe('transport options', () => {
  it('accepts the documented options', async () => {
    const options = { url: 'redis://127.0.0.1:6379/0', transferTimeoutMs: 500, keyPrefix: 'x:' };
    expect(await validatePluginOptions(bottangoPlugin, options)).toEqual({ ok: true, options });
  });

  it.each([
    [{ url: 'http://x' }, 'options.url: "http://x/" has protocol "http:"; expected redis://host:port/db'],
    [{ url: 'redis://h', transferTimeoutMs: -1 }, 'options.transferTimeoutMs: must be a positive whole number, got -1'],
    [{ url: 'redis://h', claimIdleMs: 1.5 }, 'options.claimIdleMs: must be a positive whole number, got 1.5'],
    [{ url: 'redis://h', keyPrefix: '' }, 'options.keyPrefix: must be a non-empty string, got ""'],
    [{ url: 'redis://h', timeout: 5 }, 'options: unknown option "timeout" (known: url, keyPrefix, transferTimeoutMs, claimIdleMs, heartbeatMs, sendTimeoutMs, maxEventsPerConversation, eventsTtlSeconds, connectTimeoutMs)'],
  ])('refuses %j naming the field', async (raw, message) => {
    const result = await validatePluginOptions(bottangoPlugin, raw);
    expect(result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([message]);
  });

  it('fails to connect with TRANSPORT_UNAVAILABLE naming the URL', async () => {
    await expect(RedisStreamsTransport.connect({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 500 })).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', message: expect.stringContaining('redis://127.0.0.1:1/0') });
  });
});

import { describe, expect, it } from 'vitest';
import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { parseStateSetting, parseStoreSetting, parseTransportSetting } from './index.js';

function errorOf(run: () => unknown): BottangoError {
  try {
    run();
  } catch (error) {
    if (BottangoError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a BottangoError');
}

describe('store, state and transport settings', () => {
  it('accepts every documented store and state value and returns it trimmed', () => {
    for (const parse of [parseStoreSetting, parseStateSetting]) {
      expect(parse('memory')).toBe('memory');
      expect(parse(' sqlite:./data/bottango.sqlite ')).toBe('sqlite:./data/bottango.sqlite');
      expect(parse('redis://127.0.0.1:6379/2')).toBe('redis://127.0.0.1:6379/2');
      expect(parse('rediss://user:secret@example.com:6380')).toBe('rediss://user:secret@example.com:6380');
      expect(parse('')).toBe('memory');
    }
  });

  it('accepts every documented transport value', () => {
    expect(parseTransportSetting('in-process')).toBe('in-process');
    expect(parseTransportSetting('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(parseTransportSetting('rediss://example.com')).toBe('rediss://example.com');
    expect(parseTransportSetting('  ')).toBe('in-process');
  });

  it('rejects a bad store with INVALID_CONFIGURATION naming the field and value', () => {
    const error = errorOf(() => parseStoreSetting('postgres://db'));
    expect(error.code).toBe(BottangoErrorCode.InvalidConfiguration);
    expect(error.details).toEqual({ field: 'store', value: 'postgres://db' });
    expect(error.message).toBe('store "postgres://db" is not understood; use memory, sqlite:<path> or redis://host:port');
    expect(errorOf(() => parseStoreSetting('sqlite:')).message).toMatch(/sqlite needs a file path/);
    expect(errorOf(() => parseStoreSetting('redis://exa mple')).message).toMatch(/is not a valid Redis URL/);
  });

  it('reports the field it is given (a command-line flag)', () => {
    const store = errorOf(() => parseStoreSetting('memroy', '--store'));
    expect(store.code).toBe(BottangoErrorCode.InvalidConfiguration);
    expect(store.details).toEqual({ field: '--store', value: 'memroy' });
    expect(store.message).toBe('--store: store "memroy" is not understood; use memory, sqlite:<path> or redis://host:port');
    expect(errorOf(() => parseStateSetting('file.db', '--state')).details).toEqual({ field: '--state', value: 'file.db' });
    const transport = errorOf(() => parseTransportSetting('http://bus', '--transport'));
    expect(transport.details).toEqual({ field: '--transport', value: 'http://bus' });
    expect(transport.message).toBe('--transport: transport "http://bus" is not understood; use in-process or redis://host:port');
  });

  it('rejects a bad state or transport under its own field by default', () => {
    expect(errorOf(() => parseStateSetting('disk')).details).toEqual({ field: 'state', value: 'disk' });
    expect(errorOf(() => parseTransportSetting('sqlite:./x.sqlite')).details).toEqual({ field: 'transport', value: 'sqlite:./x.sqlite' });
  });
});

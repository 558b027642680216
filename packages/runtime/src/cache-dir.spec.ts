import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BottangoErrorCode } from '@bottango/core';

const userInfo = vi.hoisted(() => vi.fn(() => ({ homedir: '/home/from-passwd' })));
vi.mock('node:os', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:os')>()), userInfo }));

const { defaultCacheDir } = await import('./cache-dir.js');

afterEach(() => {
  vi.unstubAllEnvs();
  userInfo.mockReset().mockImplementation(() => ({ homedir: '/home/from-passwd' }));
});

describe('defaultCacheDir', () => {
  const all = { BOTTANGO_CACHE_DIR: '/srv/bottango-cache', XDG_CACHE_HOME: '/var/cache/u', HOME: '/home/u' };

  it('BOTTANGO_CACHE_DIR first, then $XDG_CACHE_HOME/bottango, then $HOME/.cache/bottango', () => {
    expect(defaultCacheDir(all)).toBe(resolve('/srv/bottango-cache'));
    expect(defaultCacheDir({ ...all, BOTTANGO_CACHE_DIR: undefined })).toBe(resolve('/var/cache/u/bottango'));
    expect(defaultCacheDir({ HOME: '/home/u' })).toBe(resolve('/home/u/.cache/bottango'));
  });

  it('counts an empty variable as unset and ignores a relative XDG_CACHE_HOME (XDG spec)', () => {
    expect(defaultCacheDir({ ...all, BOTTANGO_CACHE_DIR: '' })).toBe(resolve('/var/cache/u/bottango'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '', HOME: '/home/u' })).toBe(resolve('/home/u/.cache/bottango'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative/cache', HOME: '/home/u' })).toBe(resolve('/home/u/.cache/bottango'));
  });

  it('takes a relative BOTTANGO_CACHE_DIR from the working directory; the result is always absolute', () => {
    expect(defaultCacheDir({ BOTTANGO_CACHE_DIR: 'tmp/cache' })).toBe(resolve(process.cwd(), 'tmp/cache'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/var/cache/u/' })).toBe(resolve('/var/cache/u/bottango'));
  });

  it('without HOME, uses the home directory of the user database (like os.homedir), not the process environment', () => {
    vi.stubEnv('HOME', '/home/of-this-process');
    expect(defaultCacheDir({})).toBe(resolve('/home/from-passwd/.cache/bottango'));
    expect(defaultCacheDir({ HOME: '' })).toBe(resolve('/home/from-passwd/.cache/bottango'));
  });

  it('without HOME and without a user database entry, throws INVALID_CONFIGURATION naming BOTTANGO_CACHE_DIR', () => {
    userInfo.mockImplementation(() => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    });
    expect(() => defaultCacheDir({})).toThrow(expect.objectContaining({ code: BottangoErrorCode.InvalidConfiguration, message: expect.stringContaining('set BOTTANGO_CACHE_DIR') }));
    // an entry with an empty home directory is no home either
    userInfo.mockImplementation(() => ({ homedir: '' }));
    expect(() => defaultCacheDir({})).toThrow(/set BOTTANGO_CACHE_DIR/);
    // still fine when a variable says where
    expect(defaultCacheDir({ BOTTANGO_CACHE_DIR: '/c' })).toBe(resolve('/c'));
  });

  it('reads process.env by default', () => {
    vi.stubEnv('BOTTANGO_CACHE_DIR', '/from/process/env');
    expect(defaultCacheDir()).toBe(resolve('/from/process/env'));
  });
});

import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { BottangoError, BottangoErrorCode } from '@bottango/core';

/**
 * The folder where Bottango keeps what it can rebuild; trained intent models go in `<cache dir>/models`. In order:
 * 1. `BOTTANGO_CACHE_DIR`, if set (a relative path is taken from the working directory);
 * 2. else `$XDG_CACHE_HOME/bottango`, if `XDG_CACHE_HOME` is an absolute path (the XDG Base Directory specification
 *    says to ignore a relative one);
 * 3. else `~/.cache/bottango`, `~` being `HOME` or, without it, the user's home directory from the system's user
 *    database (as `os.homedir()` does).
 *
 * An empty variable counts as unset. The path is absolute; nothing is created. Throws INVALID_CONFIGURATION when
 * there is no HOME and the user database has no home directory for this user (set BOTTANGO_CACHE_DIR).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env['BOTTANGO_CACHE_DIR'];
  if (own) return resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && isAbsolute(xdg)) return resolve(xdg, 'bottango');
  const home = env['HOME'] || homeFromUserDatabase();
  if (!home) {
    throw new BottangoError(
      BottangoErrorCode.InvalidConfiguration,
      'no cache directory: BOTTANGO_CACHE_DIR, XDG_CACHE_HOME and HOME are not set and this user has no home directory; set BOTTANGO_CACHE_DIR',
    );
  }
  return resolve(home, '.cache', 'bottango');
}

function homeFromUserDatabase(): string | undefined {
  try {
    return userInfo().homedir || undefined;
  } catch {
    return undefined; // a user ID with no entry (e.g. a container started with an arbitrary --user)
  }
}

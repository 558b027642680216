import { BottangoError, BottangoErrorCode } from '@bottango/core';
import { statePluginFor, storePluginFor, transportPluginFor } from './plugin-loader.js';

/**
 * Where the Context Session Store lives (`RuntimeOptions.store`):
 * - `memory`: in this process (the default; lost on exit),
 * - `sqlite:<path>`: a SQLite file (needs `@bottango/store-sqlite` installed),
 * - `redis://…` / `rediss://…`: a Redis server (needs `@bottango/store-redis` installed).
 *
 * A string from a command line or a file becomes one with {@link parseStoreSetting}.
 */
export type StoreSetting = 'memory' | `sqlite:${string}` | `redis://${string}` | `rediss://${string}`;

/**
 * Where conversation states live (`RuntimeOptions.state`): the same values as {@link StoreSetting}.
 * A string from a command line or a file becomes one with {@link parseStateSetting}.
 */
export type StateSetting = StoreSetting;

/**
 * How transfers travel (`RuntimeOptions.transport`):
 * - `in-process`: every bot in this process (the default),
 * - `redis://…` / `rediss://…`: bots in separate processes over Redis Streams (needs `@bottango/transport-redis`).
 *
 * A string from a command line or a file becomes one with {@link parseTransportSetting}.
 */
export type TransportSetting = 'in-process' | `redis://${string}` | `rediss://${string}`;

/**
 * Checks a `store` value that comes from a command line or a file, with the same rules `createRuntime` applies.
 * Surrounding spaces are dropped and an empty value is `memory`.
 *
 * @param value - e.g. `memory`, `sqlite:./bottango.sqlite`, `redis://127.0.0.1:6379`.
 * @param field - the name to report in the error (e.g. `--store`); default `store`.
 * @throws BottangoError `INVALID_CONFIGURATION` with `details: { field, value }` when the value is not understood.
 */
export function parseStoreSetting(value: string, field = 'store'): StoreSetting {
  checked(() => storePluginFor(value), field, value, 'store');
  return (value.trim() || 'memory') as StoreSetting;
}

/**
 * Checks a `state` value that comes from a command line or a file; the same values as {@link parseStoreSetting}.
 *
 * @param field - the name to report in the error (e.g. `--state`); default `state`.
 * @throws BottangoError `INVALID_CONFIGURATION` with `details: { field, value }` when the value is not understood.
 */
export function parseStateSetting(value: string, field = 'state'): StateSetting {
  checked(() => statePluginFor(value), field, value, 'state');
  return (value.trim() || 'memory') as StateSetting;
}

/**
 * Checks a `transport` value that comes from a command line or a file, with the same rules `createRuntime` applies.
 * Surrounding spaces are dropped and an empty value is `in-process`.
 *
 * @param value - `in-process`, or `redis://host:port` / `rediss://…`.
 * @param field - the name to report in the error (e.g. `--transport`); default `transport`.
 * @throws BottangoError `INVALID_CONFIGURATION` with `details: { field, value }` when the value is not understood.
 */
export function parseTransportSetting(value: string, field = 'transport'): TransportSetting {
  checked(() => transportPluginFor(value), field, value, 'transport');
  return (value.trim() || 'in-process') as TransportSetting;
}

/** Runs the plugin loader's own check of a setting; its error is reported under `field` when that is another name. */
function checked(check: () => unknown, field: string, value: string, option: string): void {
  try {
    check();
  } catch (error) {
    if (field === option || !BottangoError.is(error, BottangoErrorCode.InvalidConfiguration)) throw error;
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${field}: ${error.message}`, { cause: error, details: { field, value } });
  }
}

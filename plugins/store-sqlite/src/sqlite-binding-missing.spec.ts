import { describe, expect, it, vi } from 'vitest';
import { BottangoError, BottangoErrorCode } from '@bottango/core';

// better-sqlite3 as it fails when its build script never ran (pnpm 10 without allowBuilds).
vi.mock('better-sqlite3', () => ({
  default: class {
    constructor() {
      throw new Error('Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node');
    }
  },
}));

const { SqliteContextStore } = await import('./sqlite-context-store.js');

describe('a missing better-sqlite3 binding', () => {
  it('fails with STORE_UNAVAILABLE saying how to build it', () => {
    let error: unknown;
    try {
      new SqliteContextStore({ path: ':memory:' });
    } catch (caught) {
      error = caught;
    }
    expect(BottangoError.is(error, BottangoErrorCode.StoreUnavailable)).toBe(true);
    expect((error as Error).message).toContain('Could not locate the bindings file');
    expect((error as Error).message).toContain('allowBuilds: { better-sqlite3: true }');
    expect((error as Error).message).toContain('pnpm rebuild better-sqlite3');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BottangoError,
  BottangoErrorCode,
  CONTEXT_STORE_LIMITS,
  type ContextScope,
  type ContextStore,
  type ContextStoreCapabilities,
  type JsonValue,
  type SessionScope,
} from '@bottango/core';
import { expectBottangoError } from './expect-bottango-error.js';

/** How a store under test differs from the others; the suite reads these, never the class. */
export interface ContextStoreContractOptions {
  /** What the store says it can do (checked against `store.capabilities`). Default: neither durable nor shared. */
  readonly capabilities?: ContextStoreCapabilities;
  /**
   * Opens another store on the same storage as `store` (same file, same Redis prefix). Required when the
   * store is durable (the suite closes `store` and reopens) or shared across processes (the suite uses two at once).
   */
  readonly openSameStorage?: (store: ContextStore) => Promise<ContextStore> | ContextStore;
  /**
   * Moves the clock of the stores made by `create` forward. Without it the TTL test waits in real time
   * (about 1.3 s, once), which is what a store with server-side expiry (Redis) needs.
   */
  readonly advanceTime?: (ms: number) => void | Promise<void>;
}

const GLOBAL: ContextScope = { kind: 'global' };
const user = (userId: string): SessionScope => ({ kind: 'user', userId });
const conversation = (conversationId: string): SessionScope => ({ kind: 'conversation', conversationId });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Increments a numeric property by compare-and-set, retrying on VERSION_CONFLICT; returns the retries. */
async function casIncrement(store: ContextStore, namespace: string, scope: ContextScope, property: string): Promise<number> {
  for (let conflicts = 0; ; conflicts++) {
    const current = await store.get(namespace, scope, property);
    const count = typeof current?.value === 'number' ? current.value : 0;
    try {
      await store.set(namespace, scope, property, count + 1, { expectedVersion: current?.version ?? 0 });
      return conflicts;
    } catch (error) {
      if (!BottangoError.is(error, BottangoErrorCode.VersionConflict)) throw error;
    }
  }
}

/**
 * The behaviour every `ContextStore` must have (spec §4, Context Session Store). Call it from a spec file
 * of the store's package; `create` must return a new, empty, isolated store each time.
 */
export function describeContextStoreContract(
  name: string,
  create: () => Promise<ContextStore> | ContextStore,
  options: ContextStoreContractOptions = {},
): void {
  const capabilities: ContextStoreCapabilities = options.capabilities ?? { durable: false, sharedAcrossProcesses: false };

  describe(`ContextStore contract: ${name}`, () => {
    let store: ContextStore;
    const opened: ContextStore[] = [];

    async function openSame(of: ContextStore): Promise<ContextStore> {
      if (options.openSameStorage === undefined) {
        throw new Error(`the contract suite for ${name} needs options.openSameStorage for a durable or shared store`);
      }
      const other = await options.openSameStorage(of);
      opened.push(other);
      return other;
    }

    beforeEach(async () => {
      store = await create();
      opened.push(store);
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close().catch(() => undefined);
    });

    it('reports the capabilities it was declared with', () => {
      expect(store.capabilities).toEqual(capabilities);
    });

    describe('namespaces', () => {
      it('registers a namespace with a TTL, reports it, and does not know other names', async () => {
        expect(await store.registerNamespace('shop', { ttlSeconds: 3600 })).toEqual({ name: 'shop', ttlSeconds: 3600 });
        expect(await store.getNamespace('shop')).toEqual({ name: 'shop', ttlSeconds: 3600 });
        expect(await store.registerNamespace('plain')).toEqual({ name: 'plain', ttlSeconds: 0 });
        expect(await store.getNamespace('other')).toBeUndefined();
      });

      it('refuses reserved namespace names in any case', async () => {
        for (const reserved of [...CONTEXT_STORE_LIMITS.reservedNamespaces, 'Consumer', 'FAAS', 'sDe']) {
          await expectBottangoError(() => store.registerNamespace(reserved), BottangoErrorCode.ReservedNamespace);
          await expectBottangoError(() => store.set(reserved, GLOBAL, 'p', 1), BottangoErrorCode.ReservedNamespace);
        }
        expect(await store.registerNamespace('consumer_notes')).toEqual({ name: 'consumer_notes', ttlSeconds: 0 });
      });

      it('refuses names with characters other than letters, digits and underscore, and names too long', async () => {
        for (const bad of ['', 'a-b', 'a b', 'a.b', 'a:b', 'café', 'a/b', '*']) {
          await expectBottangoError(() => store.registerNamespace(bad), BottangoErrorCode.InvalidNamespace);
          await expectBottangoError(() => store.get(bad, GLOBAL, 'p'), BottangoErrorCode.InvalidNamespace);
        }
        const longest = 'n'.repeat(CONTEXT_STORE_LIMITS.maxNamespaceLength);
        expect((await store.registerNamespace(longest)).name).toBe(longest);
        await expectBottangoError(() => store.registerNamespace(`${longest}n`), BottangoErrorCode.InvalidNamespace);
      });

      it('refuses a TTL that is negative, fractional or beyond the maximum retention', async () => {
        for (const ttlSeconds of [-1, 1.5, CONTEXT_STORE_LIMITS.maxTtlSeconds + 1, Number.NaN]) {
          await expectBottangoError(() => store.registerNamespace('ttl', { ttlSeconds }), BottangoErrorCode.InvalidValue);
        }
        expect(await store.getNamespace('ttl')).toBeUndefined();
        expect(await store.registerNamespace('ttl', { ttlSeconds: CONTEXT_STORE_LIMITS.maxTtlSeconds })).toEqual({ name: 'ttl', ttlSeconds: CONTEXT_STORE_LIMITS.maxTtlSeconds });
      });

      it('reuses a namespace registered again: properties are kept, the TTL changes', async () => {
        await store.registerNamespace('shop');
        await store.set('shop', user('u1'), 'cart', ['apple']);
        expect(await store.registerNamespace('shop', { ttlSeconds: 60 })).toEqual({ name: 'shop', ttlSeconds: 60 });
        expect(await store.getNamespace('shop')).toEqual({ name: 'shop', ttlSeconds: 60 });
        expect(await store.get('shop', user('u1'), 'cart')).toEqual({ value: ['apple'], version: 1 });
      });

      it('refuses writes to a namespace that is not registered and reads nothing from it', async () => {
        await expectBottangoError(() => store.set('nowhere', GLOBAL, 'p', 1), BottangoErrorCode.NamespaceNotRegistered);
        await expectBottangoError(() => store.delete('nowhere', GLOBAL, 'p'), BottangoErrorCode.NamespaceNotRegistered);
        await expectBottangoError(() => store.deleteAll('nowhere', user('u1')), BottangoErrorCode.NamespaceNotRegistered);
        expect(await store.get('nowhere', GLOBAL, 'p')).toBeUndefined();
        expect(await store.getAll('nowhere', conversation('c1'))).toEqual({});
      });

      it('deletes a namespace with all its properties in every scope', async () => {
        await store.registerNamespace('gone');
        await store.registerNamespace('kept');
        for (const scope of [GLOBAL, user('u1'), conversation('c1')]) {
          await store.set('gone', scope, 'p', 'x');
          await store.set('kept', scope, 'p', 'y');
        }
        expect(await store.deleteNamespace('gone')).toBe(true);
        expect(await store.deleteNamespace('gone')).toBe(false);
        expect(await store.getNamespace('gone')).toBeUndefined();
        await expectBottangoError(() => store.set('gone', GLOBAL, 'p', 'x'), BottangoErrorCode.NamespaceNotRegistered);
        expect(await store.get('kept', conversation('c1'), 'p')).toEqual({ value: 'y', version: 1 });

        await store.registerNamespace('gone');
        expect(await store.get('gone', GLOBAL, 'p')).toBeUndefined();
        expect(await store.getAll('gone', user('u1'))).toEqual({});
        expect(await store.set('gone', GLOBAL, 'p', 'again')).toEqual({ value: 'again', version: 1 });
      });
    });

    describe('scopes', () => {
      beforeEach(async () => {
        await store.registerNamespace('shop');
      });

      it('keeps global, user and conversation scope apart, and one user or conversation from another', async () => {
        await store.set('shop', GLOBAL, 'p', 'global');
        await store.set('shop', user('x'), 'p', 'user x');
        await store.set('shop', user('y'), 'p', 'user y');
        await store.set('shop', conversation('x'), 'p', 'conversation x');
        expect((await store.get('shop', GLOBAL, 'p'))?.value).toBe('global');
        expect((await store.get('shop', user('x'), 'p'))?.value).toBe('user x');
        expect((await store.get('shop', user('y'), 'p'))?.value).toBe('user y');
        expect((await store.get('shop', conversation('x'), 'p'))?.value).toBe('conversation x');
        expect(await store.get('shop', conversation('y'), 'p')).toBeUndefined();
        expect(await store.delete('shop', user('x'), 'p')).toBe(true);
        expect((await store.get('shop', GLOBAL, 'p'))?.value).toBe('global');
        expect((await store.get('shop', conversation('x'), 'p'))?.value).toBe('conversation x');
      });

      it('does not confuse IDs and property names that contain separators', async () => {
        await store.set('shop', user('a:b'), 'c', 1);
        await store.set('shop', user('a'), 'b:c', 2);
        await store.set('shop', user('a:b:c'), 'd', 3);
        await store.set('shop', user('*'), 'p', 4);
        expect(await store.getAll('shop', user('a:b'))).toEqual({ c: 1 });
        expect(await store.getAll('shop', user('a'))).toEqual({ 'b:c': 2 });
        expect(await store.getAll('shop', user('a:b:c'))).toEqual({ d: 3 });
        expect(await store.deleteAll('shop', user('*'))).toBe(1);
        expect(await store.getAll('shop', user('a'))).toEqual({ 'b:c': 2 });
      });

      it('gets and deletes all properties of one user or one conversation only', async () => {
        await store.registerNamespace('other');
        await store.set('shop', user('u1'), 'a', 1);
        await store.set('shop', user('u1'), 'b', { nested: true });
        await store.set('shop', user('u2'), 'a', 2);
        await store.set('shop', conversation('u1'), 'a', 3);
        await store.set('shop', GLOBAL, 'a', 4);
        await store.set('other', user('u1'), 'a', 5);

        expect(await store.getAll('shop', user('u1'))).toEqual({ a: 1, b: { nested: true } });
        expect(await store.getAll('shop', conversation('u1'))).toEqual({ a: 3 });
        expect(await store.getAll('shop', user('nobody'))).toEqual({});

        expect(await store.deleteAll('shop', user('u1'))).toBe(2);
        expect(await store.deleteAll('shop', user('u1'))).toBe(0);
        expect(await store.getAll('shop', user('u1'))).toEqual({});
        expect(await store.getAll('shop', user('u2'))).toEqual({ a: 2 });
        expect(await store.getAll('other', user('u1'))).toEqual({ a: 5 });
        expect((await store.get('shop', GLOBAL, 'a'))?.value).toBe(4);

        expect(await store.deleteAll('shop', conversation('u1'))).toBe(1);
        expect(await store.get('shop', conversation('u1'), 'a')).toBeUndefined();
        expect(await store.set('shop', user('u1'), 'a', 'again')).toEqual({ value: 'again', version: 1 });
      });

      it('has no get-all or delete-all for the global scope', async () => {
        const global = GLOBAL as unknown as SessionScope;
        await expectBottangoError(() => store.getAll('shop', global), BottangoErrorCode.InvalidKey);
        await expectBottangoError(() => store.deleteAll('shop', global), BottangoErrorCode.InvalidKey);
      });

      it('refuses empty or too long user and conversation IDs', async () => {
        const tooLong = 'i'.repeat(CONTEXT_STORE_LIMITS.maxScopeIdLength + 1);
        for (const scope of [user(''), conversation(''), user(tooLong), conversation(tooLong)]) {
          await expectBottangoError(() => store.set('shop', scope, 'p', 1), BottangoErrorCode.InvalidKey);
          await expectBottangoError(() => store.get('shop', scope, 'p'), BottangoErrorCode.InvalidKey);
          await expectBottangoError(() => store.getAll('shop', scope), BottangoErrorCode.InvalidKey);
        }
        const longest = 'i'.repeat(CONTEXT_STORE_LIMITS.maxScopeIdLength);
        expect(await store.set('shop', user(longest), 'p', 1)).toEqual({ value: 1, version: 1 });
      });
    });

    describe('values and properties', () => {
      beforeEach(async () => {
        await store.registerNamespace('shop');
      });

      it('returns JSON values exactly as written', async () => {
        const values: JsonValue[] = [
          0,
          -1.25e-7,
          Number.MAX_SAFE_INTEGER,
          '',
          'Grüße, 你好, 👋 "quoted" \\ back\nslash',
          true,
          false,
          null,
          [],
          {},
          [1, 'two', [3], { four: 4 }, null],
          { order: { items: [{ sku: 'A1', qty: 2 }], total: 12.5, paid: false, note: null }, 'key with spaces': 'v' },
        ];
        for (const [i, value] of values.entries()) {
          expect(await store.set('shop', conversation('c1'), `p${i}`, value)).toEqual({ value, version: 1 });
          expect(await store.get('shop', conversation('c1'), `p${i}`)).toEqual({ value, version: 1 });
        }
        expect(Object.keys(await store.getAll('shop', conversation('c1')))).toHaveLength(values.length);
      });

      it('keeps copies: changing an object passed in or handed back does not change what is stored', async () => {
        const cart = { items: ['apple'], total: 1 };
        const written = await store.set('shop', user('u1'), 'cart', cart);
        cart.items.push('pear');
        cart.total = 99;
        (written.value as { total: number }).total = 42;
        const read = await store.get('shop', user('u1'), 'cart');
        expect(read?.value).toEqual({ items: ['apple'], total: 1 });
        (read!.value as { items: string[] }).items.push('plum');
        const all = await store.getAll('shop', user('u1'));
        expect(all['cart']).toEqual({ items: ['apple'], total: 1 });
        (all['cart'] as { total: number }).total = 7;
        expect((await store.get('shop', user('u1'), 'cart'))?.value).toEqual({ items: ['apple'], total: 1 });
      });

      it('refuses values that are not JSON with INVALID_VALUE, and stores nothing', async () => {
        class Point {
          x = 1;
        }
        const cyclic: Record<string, unknown> = {};
        cyclic['self'] = cyclic;
        const notJson: unknown[] = [undefined, Number.NaN, Number.POSITIVE_INFINITY, () => 1, new Date(0), new Map(), new Point(), [1, undefined], { a: undefined }, { n: Number.NaN }, 10n, Symbol('s'), cyclic];
        for (const value of notJson) {
          await expectBottangoError(() => store.set('shop', GLOBAL, 'bad', value as JsonValue), BottangoErrorCode.InvalidValue);
        }
        expect(await store.get('shop', GLOBAL, 'bad')).toBeUndefined();
      });

      it('refuses a value larger than the limit in UTF-8 bytes with VALUE_TOO_LARGE', async () => {
        const max = CONTEXT_STORE_LIMITS.maxValueBytes;
        const atLimit = 'a'.repeat(max - 2); // two bytes for the quotes
        expect((await store.set('shop', GLOBAL, 'big', atLimit)).version).toBe(1);
        expect((await store.get('shop', GLOBAL, 'big'))?.value).toBe(atLimit);
        await expectBottangoError(() => store.set('shop', GLOBAL, 'big', `${atLimit}a`), BottangoErrorCode.ValueTooLarge);
        await expectBottangoError(() => store.set('shop', GLOBAL, 'big', 'é'.repeat(max / 2)), BottangoErrorCode.ValueTooLarge);
        expect((await store.get('shop', GLOBAL, 'big'))?.version).toBe(1);
      });

      it('refuses empty and too long property names with INVALID_KEY', async () => {
        const longest = 'k'.repeat(CONTEXT_STORE_LIMITS.maxPropertyLength);
        expect((await store.set('shop', GLOBAL, longest, 1)).version).toBe(1);
        expect((await store.get('shop', GLOBAL, longest))?.value).toBe(1);
        for (const property of ['', `${longest}k`]) {
          await expectBottangoError(() => store.set('shop', GLOBAL, property, 1), BottangoErrorCode.InvalidKey);
          await expectBottangoError(() => store.get('shop', GLOBAL, property), BottangoErrorCode.InvalidKey);
          await expectBottangoError(() => store.delete('shop', GLOBAL, property), BottangoErrorCode.InvalidKey);
        }
      });

      it('refuses the property name __proto__ with INVALID_KEY, and keeps Object.prototype names as own properties', async () => {
        // Assigned to a plain object, "__proto__" would replace the prototype of getAll's result: the property would
        // vanish and its value's keys would be inherited (here: `admin`).
        for (const scope of [GLOBAL, user('u1'), conversation('c1')]) {
          await expectBottangoError(() => store.set('shop', scope, '__proto__', { admin: true }), BottangoErrorCode.InvalidKey);
          await expectBottangoError(() => store.get('shop', scope, '__proto__'), BottangoErrorCode.InvalidKey);
          await expectBottangoError(() => store.delete('shop', scope, '__proto__'), BottangoErrorCode.InvalidKey);
        }
        for (const scope of [user('u1'), conversation('c1')]) {
          for (const property of ['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']) await store.set('shop', scope, property, property.length);
          const all = await store.getAll('shop', scope);
          expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
          expect('admin' in all).toBe(false);
          expect(Object.keys(all).sort()).toEqual(['constructor', 'hasOwnProperty', 'prototype', 'toString', 'valueOf']);
          expect(all).toEqual({ constructor: 11, prototype: 9, toString: 8, hasOwnProperty: 14, valueOf: 7 });
          expect((await store.get('shop', scope, 'constructor'))?.value).toBe(11);
          expect(await store.delete('shop', scope, 'toString')).toBe(true);
          expect(await store.deleteAll('shop', scope)).toBe(4);
        }
      });

      it('deletes one property: true when it existed, false when not', async () => {
        await store.set('shop', conversation('c1'), 'a', 1);
        await store.set('shop', conversation('c1'), 'b', 2);
        expect(await store.delete('shop', conversation('c1'), 'a')).toBe(true);
        expect(await store.delete('shop', conversation('c1'), 'a')).toBe(false);
        expect(await store.get('shop', conversation('c1'), 'a')).toBeUndefined();
        expect(await store.getAll('shop', conversation('c1'))).toEqual({ b: 2 });
      });
    });

    describe('versions and concurrency', () => {
      beforeEach(async () => {
        await store.registerNamespace('shop');
      });

      it('starts at version 1, adds 1 per write, and starts again after a delete', async () => {
        expect((await store.set('shop', GLOBAL, 'v', 'a')).version).toBe(1);
        expect((await store.set('shop', GLOBAL, 'v', 'b')).version).toBe(2);
        expect((await store.set('shop', GLOBAL, 'v', 'c')).version).toBe(3);
        expect(await store.get('shop', GLOBAL, 'v')).toEqual({ value: 'c', version: 3 });
        await store.delete('shop', GLOBAL, 'v');
        expect((await store.set('shop', GLOBAL, 'v', 'd')).version).toBe(1);
      });

      it('compare-and-set writes only at the expected version (0 = must not exist)', async () => {
        expect(await store.set('shop', user('u1'), 'seat', '12A', { expectedVersion: 0 })).toEqual({ value: '12A', version: 1 });
        const conflict = await expectBottangoError(() => store.set('shop', user('u1'), 'seat', '14C', { expectedVersion: 0 }), BottangoErrorCode.VersionConflict);
        expect(conflict.message).toMatch(/version/);
        await expectBottangoError(() => store.set('shop', user('u1'), 'seat', '14C', { expectedVersion: 2 }), BottangoErrorCode.VersionConflict);
        expect(await store.get('shop', user('u1'), 'seat')).toEqual({ value: '12A', version: 1 });
        expect(await store.set('shop', user('u1'), 'seat', '14C', { expectedVersion: 1 })).toEqual({ value: '14C', version: 2 });
        await expectBottangoError(() => store.set('shop', user('u1'), 'missing', 1, { expectedVersion: 1 }), BottangoErrorCode.VersionConflict);
        expect(await store.get('shop', user('u1'), 'missing')).toBeUndefined();
      });

      it('lets exactly one of two writers with the same expected version win', async () => {
        await store.set('shop', GLOBAL, 'race', 'start');
        const writers = capabilities.sharedAcrossProcesses ? [store, await openSame(store)] : [store, store];
        const results = await Promise.allSettled(writers.map((s, i) => s.set('shop', GLOBAL, 'race', `writer ${i}`, { expectedVersion: 1 })));
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(BottangoError.is(lost[0]?.reason, BottangoErrorCode.VersionConflict)).toBe(true);
        expect((await store.get('shop', GLOBAL, 'race'))?.version).toBe(2);
      });

      it('loses no update when 20 concurrent writers increment by compare-and-set with retries', async () => {
        const writers = capabilities.sharedAcrossProcesses ? [store, await openSame(store)] : [store];
        const scope = conversation('counter');
        await Promise.all(Array.from({ length: 20 }, (_, i) => casIncrement(writers[i % writers.length] as ContextStore, 'shop', scope, 'count')));
        expect(await store.get('shop', scope, 'count')).toEqual({ value: 20, version: 20 });
      });

      it('plain set is last-write-wins and counts every write', async () => {
        await store.set('shop', GLOBAL, 'last', 'first');
        await store.set('shop', GLOBAL, 'last', 'second');
        expect(await store.get('shop', GLOBAL, 'last')).toEqual({ value: 'second', version: 2 });
        const written = Array.from({ length: 20 }, (_, i) => `w${i}`);
        const results = await Promise.all(written.map((value) => store.set('shop', GLOBAL, 'many', value)));
        expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        const final = await store.get('shop', GLOBAL, 'many');
        expect(final?.version).toBe(20);
        expect(final?.value).toBe(results.find((r) => r.version === 20)?.value);
      });
    });

    it('expires properties after the namespace TTL, applies a TTL change only to later writes, and keeps the namespace', async () => {
      const advance = async (ms: number): Promise<void> => {
        if (options.advanceTime) await options.advanceTime(ms);
        else await sleep(ms);
      };
      // In real time, a busy machine can stretch the steps below: the "not expired yet" checks run only while the clock
      // says they are still true (the "expired" ones always hold, whatever the delay).
      const realTime = options.advanceTime === undefined;
      const within = (since: number, ms: number): boolean => !realTime || Date.now() - since < ms;
      // t = 0
      const start = Date.now();
      await store.registerNamespace('short', { ttlSeconds: 1 });
      await store.set('short', GLOBAL, 'a', 'expires');
      await store.set('short', user('u1'), 'a', 'expires');
      await store.set('short', conversation('c1'), 'refreshed', 'v1');
      await store.set('short', conversation('c1'), 'b', 'expires');
      await store.registerNamespace('longer', { ttlSeconds: 0 });
      await store.set('longer', GLOBAL, 'before', 'kept');
      await store.registerNamespace('longer', { ttlSeconds: 1 });
      await store.set('longer', GLOBAL, 'after', 'expires');
      await store.registerNamespace('shorter', { ttlSeconds: 1 });
      await store.set('shorter', user('u1'), 'before', 'expires');
      await store.registerNamespace('shorter', { ttlSeconds: 3600 });
      await store.set('shorter', user('u1'), 'after', 'kept');

      await advance(500);
      if (within(start, 900)) expect((await store.get('short', GLOBAL, 'a'))?.value).toBe('expires');
      const refreshed = Date.now();
      await store.set('short', conversation('c1'), 'refreshed', 'v2'); // a write restarts the TTL
      await advance(750);
      // t = 1.25 s: everything written with a 1 s TTL before t = 0.25 s is gone
      expect(await store.get('short', GLOBAL, 'a')).toBeUndefined();
      expect(await store.get('short', user('u1'), 'a')).toBeUndefined();
      expect(await store.get('short', conversation('c1'), 'b')).toBeUndefined();
      if (within(refreshed, 900)) {
        expect(await store.get('short', conversation('c1'), 'refreshed')).toEqual({ value: 'v2', version: 2 });
        expect(await store.getAll('short', conversation('c1'))).toEqual({ refreshed: 'v2' });
      }
      expect(await store.getAll('short', user('u1'))).toEqual({});
      expect(await store.get('longer', GLOBAL, 'before')).toEqual({ value: 'kept', version: 1 });
      expect(await store.get('longer', GLOBAL, 'after')).toBeUndefined();
      expect(await store.getAll('shorter', user('u1'))).toEqual({ after: 'kept' });
      expect(await store.deleteAll('shorter', user('u1'))).toBe(1);
      expect(await store.delete('short', GLOBAL, 'a')).toBe(false);

      // the namespaces outlive their properties, and an expired key counts as absent
      expect(await store.getNamespace('short')).toEqual({ name: 'short', ttlSeconds: 1 });
      expect(await store.set('short', GLOBAL, 'a', 'new', { expectedVersion: 0 })).toEqual({ value: 'new', version: 1 });
      await store.deleteAll('short', conversation('c1'));
    });

    it('gives a session its own TTL for its later writes, over the namespace TTL, until the session goes (setSessionTtl)', async (context) => {
      const setSessionTtl = store.setSessionTtl?.bind(store);
      if (setSessionTtl === undefined) return context.skip();
      const advance = async (ms: number): Promise<void> => {
        if (options.advanceTime) await options.advanceTime(ms);
        else await sleep(ms);
      };
      const realTime = options.advanceTime === undefined;
      const within = (since: number, ms: number): boolean => !realTime || Date.now() - since < ms;
      await expectBottangoError(() => setSessionTtl('nowhere', conversation('c1'), 1), BottangoErrorCode.NamespaceNotRegistered);
      await store.registerNamespace('sess', { ttlSeconds: 3600 });
      await expectBottangoError(() => setSessionTtl('sess', GLOBAL as unknown as SessionScope, 1), BottangoErrorCode.InvalidKey);
      for (const ttl of [-1, 1.5, CONTEXT_STORE_LIMITS.maxTtlSeconds + 1]) await expectBottangoError(() => setSessionTtl('sess', conversation('c1'), ttl), BottangoErrorCode.InvalidValue);
      // t = 0
      const start = Date.now();
      await store.set('sess', conversation('c1'), 'before', 'kept'); // written with the namespace TTL
      await setSessionTtl('sess', conversation('c1'), 1);
      await store.set('sess', conversation('c1'), 'after', 'expires');
      await store.set('sess', conversation('c2'), 'other', 'kept');
      await store.set('sess', user('c1'), 'sameId', 'kept'); // another scope with the same ID
      await store.registerNamespace('brief', { ttlSeconds: 1 });
      await setSessionTtl('brief', user('u1'), 0); // 0: kept until deleted, over a namespace TTL
      await store.set('brief', user('u1'), 'p', 'kept');
      await store.set('brief', user('u2'), 'p', 'expires');
      await setSessionTtl('brief', user('u3'), 0);
      expect(await store.deleteAll('brief', user('u3'))).toBe(0); // the session goes, and its TTL with it
      await store.set('brief', user('u3'), 'p', 'expires');
      if (within(start, 900)) expect(await store.getAll('sess', conversation('c1'))).toEqual({ before: 'kept', after: 'expires' });
      await advance(1250);
      expect(await store.getAll('sess', conversation('c1'))).toEqual({ before: 'kept' });
      expect(await store.getAll('sess', conversation('c2'))).toEqual({ other: 'kept' });
      expect(await store.getAll('sess', user('c1'))).toEqual({ sameId: 'kept' });
      expect(await store.getAll('brief', user('u1'))).toEqual({ p: 'kept' });
      expect(await store.get('brief', user('u2'), 'p')).toBeUndefined();
      expect(await store.get('brief', user('u3'), 'p')).toBeUndefined();
      // A session whose last write outlived its TTL has gone: a new write gets the namespace TTL again.
      await store.set('sess', conversation('c1'), 'later', 'namespace ttl');
      await advance(1250);
      expect(await store.getAll('sess', conversation('c1'))).toEqual({ before: 'kept', later: 'namespace ttl' });
      // Deleting the namespace forgets its sessions' TTLs.
      await store.deleteNamespace('brief');
      await store.registerNamespace('brief', { ttlSeconds: 1 });
      await store.set('brief', user('u1'), 'p', 'expires');
      await advance(1250);
      expect(await store.get('brief', user('u1'), 'p')).toBeUndefined();
    });

    if (capabilities.durable) {
      it('keeps what was written when the store is closed and opened again', async () => {
        await store.registerNamespace('durable', { ttlSeconds: 3600 });
        await store.set('durable', user('u1'), 'profile', { name: 'Ada' });
        await store.set('durable', user('u1'), 'profile', { name: 'Ada', tier: 'gold' });
        const reopened = await openSame(store);
        await store.close();
        expect(await reopened.getNamespace('durable')).toEqual({ name: 'durable', ttlSeconds: 3600 });
        expect(await reopened.get('durable', user('u1'), 'profile')).toEqual({ value: { name: 'Ada', tier: 'gold' }, version: 2 });
      });
    }

    if (capabilities.sharedAcrossProcesses) {
      it('shares namespaces, values and TTL changes between two stores on the same storage', async () => {
        const other = await openSame(store);
        await store.registerNamespace('shared');
        expect(await other.getNamespace('shared')).toEqual({ name: 'shared', ttlSeconds: 0 });
        await other.set('shared', conversation('c1'), 'p', 'from other');
        expect(await store.get('shared', conversation('c1'), 'p')).toEqual({ value: 'from other', version: 1 });
        await other.registerNamespace('shared', { ttlSeconds: 60 });
        expect(await store.getNamespace('shared')).toEqual({ name: 'shared', ttlSeconds: 60 });
        await store.deleteNamespace('shared');
        await expectBottangoError(() => other.set('shared', GLOBAL, 'p', 1), BottangoErrorCode.NamespaceNotRegistered);
      });
    }

    it('refuses every call after close() with STORE_CLOSED; closing twice is harmless', async () => {
      await store.registerNamespace('shop');
      await store.set('shop', GLOBAL, 'p', 1);
      await store.close();
      await store.close();
      const calls: (() => Promise<unknown>)[] = [
        () => store.registerNamespace('shop'),
        () => store.getNamespace('shop'),
        () => store.deleteNamespace('shop'),
        () => store.get('shop', GLOBAL, 'p'),
        () => store.set('shop', GLOBAL, 'p', 2),
        () => store.delete('shop', GLOBAL, 'p'),
        () => store.getAll('shop', user('u1')),
        () => store.deleteAll('shop', user('u1')),
      ];
      for (const call of calls) await expectBottangoError(call, BottangoErrorCode.StoreClosed);
    });
  });
}

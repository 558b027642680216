import { inject, injectable, optional } from 'inversify';
import {
  BottangoError,
  BottangoErrorCode,
  encodeContextValue,
  scopeKey,
  validateNamespaceName,
  addToGetAllResult,
  validatePropertyName,
  validateScope,
  validateSessionScope,
  validateTtl,
  type ContextScope,
  type ContextStore,
  type ContextStoreCapabilities,
  type JsonValue,
  type NamespaceInfo,
  type NamespaceOptions,
  type SessionScope,
  type SetOptions,
  type StoredValue,
} from '@bottango/core';

/** Token for the options of the memory store inside a container. */
export const MemoryContextStoreOptions = Symbol.for('@bottango/store-memory/MemoryContextStoreOptions');

export interface MemoryContextStoreOptions {
  /** How often expired entries are swept out of memory (they are never returned in between). Default 60 000 ms. */
  readonly sweepIntervalMs?: number;
  /** Clock in milliseconds since the epoch; for tests. Default `Date.now`. */
  readonly now?: () => number;
}

interface MemoryEntry {
  /** The value as JSON: every read parses a fresh copy, as a networked store would. */
  readonly json: string;
  readonly version: number;
  /** Milliseconds since the epoch; 0 = never. */
  readonly expiresAt: number;
}

interface MemoryNamespace {
  ttlSeconds: number;
  /** scopeKey → property → entry */
  readonly scopes: Map<string, Map<string, MemoryEntry>>;
  /** scopeKey → the session's own TTL (`setSessionTtl`); `expiresAt` (0 = never) moves with each write of the session. */
  readonly sessionTtls: Map<string, { readonly ttlSeconds: number; expiresAt: number }>;
}

const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * The in-memory Context Session Store: the default store, for one process. Values are kept as JSON
 * and parsed on every read, so callers never share references with the store. Expired entries are
 * never returned (checked on read) and are swept out periodically by an unref'd timer.
 */
@injectable()
export class MemoryContextStore implements ContextStore {
  readonly capabilities: ContextStoreCapabilities = { durable: false, sharedAcrossProcesses: false };

  readonly #namespaces = new Map<string, MemoryNamespace>();
  readonly #now: () => number;
  #sweepTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(@inject(MemoryContextStoreOptions) @optional() options: MemoryContextStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    const interval = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (!Number.isInteger(interval) || interval <= 0) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `sweepIntervalMs must be a positive whole number of milliseconds, got ${String(interval)}`, { details: { field: 'sweepIntervalMs', value: interval } });
    }
    this.#sweepTimer = setInterval(() => this.sweepExpired(), interval);
    this.#sweepTimer.unref();
  }

  async registerNamespace(namespace: string, options: NamespaceOptions = {}): Promise<NamespaceInfo> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    const ttlSeconds = validateTtl(options.ttlSeconds);
    const existing = this.#namespaces.get(namespace);
    if (existing) existing.ttlSeconds = ttlSeconds;
    else this.#namespaces.set(namespace, { ttlSeconds, scopes: new Map(), sessionTtls: new Map() });
    return { name: namespace, ttlSeconds };
  }

  async getNamespace(namespace: string): Promise<NamespaceInfo | undefined> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    const ns = this.#namespaces.get(namespace);
    return ns ? { name: namespace, ttlSeconds: ns.ttlSeconds } : undefined;
  }

  async deleteNamespace(namespace: string): Promise<boolean> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    return this.#namespaces.delete(namespace);
  }

  async get(namespace: string, scope: ContextScope, property: string): Promise<StoredValue | undefined> {
    this.#assertOpen();
    const ns = this.#namespaceForRead(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const entry = ns?.scopes.get(scopeKey(scope))?.get(property);
    if (entry === undefined || this.#isExpired(entry)) return undefined;
    return { value: JSON.parse(entry.json) as JsonValue, version: entry.version };
  }

  async set(namespace: string, scope: ContextScope, property: string, value: JsonValue, options: SetOptions = {}): Promise<StoredValue> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const json = encodeContextValue(value, `${namespace}/${property}`);
    const ns = this.#namespaceForWrite(namespace);
    const key = scopeKey(scope);
    let properties = ns.scopes.get(key);
    if (properties === undefined) {
      properties = new Map();
      ns.scopes.set(key, properties);
    }
    const current = properties.get(property);
    const currentVersion = current === undefined || this.#isExpired(current) ? 0 : current.version;
    if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) {
      throw versionConflict(namespace, property, options.expectedVersion, currentVersion);
    }
    const version = currentVersion + 1;
    const ttlSeconds = this.#sessionTtl(ns, key) ?? ns.ttlSeconds;
    properties.set(property, { json, version, expiresAt: ttlSeconds > 0 ? this.#now() + ttlSeconds * 1000 : 0 });
    return { value: JSON.parse(json) as JsonValue, version };
  }

  async delete(namespace: string, scope: ContextScope, property: string): Promise<boolean> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const ns = this.#namespaceForWrite(namespace);
    const key = scopeKey(scope);
    const properties = ns.scopes.get(key);
    const entry = properties?.get(property);
    if (properties === undefined || entry === undefined) return false;
    properties.delete(property);
    if (properties.size === 0) ns.scopes.delete(key);
    return !this.#isExpired(entry);
  }

  async getAll(namespace: string, scope: SessionScope): Promise<Record<string, JsonValue>> {
    this.#assertOpen();
    const ns = this.#namespaceForRead(namespace);
    validateSessionScope(scope);
    const result: Record<string, JsonValue> = {};
    const properties = ns?.scopes.get(scopeKey(scope));
    if (properties === undefined) return result;
    for (const [property, entry] of properties) {
      if (!this.#isExpired(entry)) addToGetAllResult(result, property, JSON.parse(entry.json) as JsonValue);
    }
    return result;
  }

  async deleteAll(namespace: string, scope: SessionScope): Promise<number> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const ns = this.#namespaceForWrite(namespace);
    const key = scopeKey(scope);
    ns.sessionTtls.delete(key);
    const properties = ns.scopes.get(key);
    if (properties === undefined) return 0;
    let deleted = 0;
    for (const entry of properties.values()) if (!this.#isExpired(entry)) deleted++;
    ns.scopes.delete(key);
    return deleted;
  }

  async setSessionTtl(namespace: string, scope: SessionScope, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const ttl = validateTtl(ttlSeconds);
    const ns = this.#namespaceForWrite(namespace);
    ns.sessionTtls.set(scopeKey(scope), { ttlSeconds: ttl, expiresAt: ttl > 0 ? this.#now() + ttl * 1000 : 0 });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#namespaces.clear();
  }

  /** Removes expired entries now; returns how many. Runs on a timer; exposed for tests and tools. */
  sweepExpired(): number {
    const now = this.#now();
    let removed = 0;
    for (const ns of this.#namespaces.values()) {
      for (const [key, properties] of ns.scopes) {
        for (const [property, entry] of properties) {
          if (entry.expiresAt !== 0 && entry.expiresAt <= now) {
            properties.delete(property);
            removed++;
          }
        }
        if (properties.size === 0) ns.scopes.delete(key);
      }
      for (const [key, session] of ns.sessionTtls) if (session.expiresAt !== 0 && session.expiresAt <= now) ns.sessionTtls.delete(key);
    }
    return removed;
  }

  /** The session's own TTL, if it has one that has not lapsed; a write in the session keeps it alive. */
  #sessionTtl(ns: MemoryNamespace, key: string): number | undefined {
    const session = ns.sessionTtls.get(key);
    if (session === undefined) return undefined;
    if (this.#isExpired(session)) {
      ns.sessionTtls.delete(key);
      return undefined;
    }
    if (session.ttlSeconds > 0) session.expiresAt = this.#now() + session.ttlSeconds * 1000;
    return session.ttlSeconds;
  }

  #isExpired(entry: { readonly expiresAt: number }): boolean {
    return entry.expiresAt !== 0 && entry.expiresAt <= this.#now();
  }

  #namespaceForRead(namespace: string): MemoryNamespace | undefined {
    const ns = this.#namespaces.get(namespace);
    // Registered names were validated on registration; only unknown names need checking.
    if (ns === undefined) validateNamespaceName(namespace);
    return ns;
  }

  #namespaceForWrite(namespace: string): MemoryNamespace {
    const ns = this.#namespaces.get(namespace);
    if (ns === undefined) throw namespaceNotRegistered(namespace);
    return ns;
  }

  #assertOpen(): void {
    if (this.#closed) throw new BottangoError(BottangoErrorCode.StoreClosed, 'the memory context store is closed');
  }
}


function namespaceNotRegistered(namespace: string): BottangoError {
  return new BottangoError(BottangoErrorCode.NamespaceNotRegistered, `namespace "${namespace}" is not registered; call registerNamespace first`, { details: { namespace } });
}

function versionConflict(namespace: string, property: string, expected: number, actual: number): BottangoError {
  return new BottangoError(BottangoErrorCode.VersionConflict, `${namespace}/${property}: expected version ${expected}, the stored version is ${actual}`, { details: { namespace, property, expectedVersion: expected, actualVersion: actual } });
}

import { BottangoError, BottangoErrorCode } from './errors.js';
import type { JsonValue } from './json.js';

/** Extension point: the Context Session Store, how data beyond the Tango Context crosses between bots. */
export const ContextStore = Symbol.for('@bottango/core/ContextStore');

export type ContextScope =
  | { readonly kind: 'global' }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'conversation'; readonly conversationId: string };

/** Scopes that support get-all and delete-all (the spec has none for global). */
export type SessionScope = Exclude<ContextScope, { kind: 'global' }>;

export interface NamespaceOptions {
  /** Seconds a property stays readable after it is written; 0 or absent keeps it until deleted. Applies to later writes. */
  readonly ttlSeconds?: number;
}

export interface NamespaceInfo {
  readonly name: string;
  readonly ttlSeconds: number;
}

export interface StoredValue {
  readonly value: JsonValue;
  /** Increases by one on every write of the key; starts at 1. */
  readonly version: number;
}

export interface SetOptions {
  /** Compare-and-set: write only if the key's current version is this (0 = the key must not exist). Else VERSION_CONFLICT. */
  readonly expectedVersion?: number;
}

/** What a store can do beyond the contract; the contract suite reads these, never the class. */
export interface ContextStoreCapabilities {
  /** Survives a restart of the process. */
  readonly durable: boolean;
  /** Several processes can use it at once. */
  readonly sharedAcrossProcesses: boolean;
}

/**
 * Concurrency guarantee: every write is atomic per key; plain `set` is last-write-wins,
 * `set` with `expectedVersion` is compare-and-set.
 */
export interface ContextStore {
  readonly capabilities: ContextStoreCapabilities;
  /** Creates the namespace or updates its TTL (an existing namespace is reused, its properties kept). */
  registerNamespace(namespace: string, options?: NamespaceOptions): Promise<NamespaceInfo>;
  getNamespace(namespace: string): Promise<NamespaceInfo | undefined>;
  /** Deletes the namespace and all its properties. False if it did not exist. */
  deleteNamespace(namespace: string): Promise<boolean>;
  get(namespace: string, scope: ContextScope, property: string): Promise<StoredValue | undefined>;
  /** Throws NAMESPACE_NOT_REGISTERED, INVALID_KEY, INVALID_VALUE, VALUE_TOO_LARGE or VERSION_CONFLICT. */
  set(namespace: string, scope: ContextScope, property: string, value: JsonValue, options?: SetOptions): Promise<StoredValue>;
  delete(namespace: string, scope: ContextScope, property: string): Promise<boolean>;
  getAll(namespace: string, scope: SessionScope): Promise<Record<string, JsonValue>>;
  /** Returns how many properties were deleted. */
  deleteAll(namespace: string, scope: SessionScope): Promise<number>;
  /**
   * The TTL of one session (a user's or a conversation's properties in the namespace), spec 4.3: it overrides the
   * namespace's TTL for the properties of that session written afterwards (0: they are kept until deleted), each
   * counted from its own write like the namespace's. The setting lives as long as the session: it goes when the
   * session's last write has outlived it, with `deleteAll` of the session, and with the namespace. Throws
   * NAMESPACE_NOT_REGISTERED, INVALID_KEY (not a user or conversation scope) or INVALID_VALUE (a bad TTL).
   * Optional: a store without it cannot give sessions their own TTL (`botContext.setContextTtlFor…` returns false).
   */
  setSessionTtl?(namespace: string, scope: SessionScope, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

export const CONTEXT_STORE_LIMITS = {
  /** Reserved by the Conversation Context Service (v1 and v2 lists). */
  reservedNamespaces: ['consumer', 'operational', 'conversation', 'custom', 'sde', 'faas'],
  maxNamespaceLength: 64,
  maxPropertyLength: 256,
  /**
   * Property names refused with INVALID_KEY: `__proto__` cannot be an own key of the plain object `getAll` returns
   * (assigning it replaces the object's prototype: the property would vanish and its value would be inherited).
   * Other names of Object.prototype (`constructor`, `toString`, `hasOwnProperty`…) are ordinary properties.
   */
  reservedPropertyNames: ['__proto__'],
  maxScopeIdLength: 256,
  /** Size of the value as UTF-8 JSON. */
  maxValueBytes: 256 * 1024,
  /** 13 months, the service's maximum retention. */
  maxTtlSeconds: 13 * 31 * 24 * 3600,
} as const;

const NAMESPACE_RE = /^[A-Za-z0-9_]+$/;

export function validateNamespaceName(namespace: string): void {
  if (typeof namespace !== 'string' || namespace.length === 0) {
    throw new BottangoError(BottangoErrorCode.InvalidNamespace, 'namespace must be a non-empty string', { details: { namespace } });
  }
  if (namespace.length > CONTEXT_STORE_LIMITS.maxNamespaceLength) {
    throw new BottangoError(BottangoErrorCode.InvalidNamespace, `namespace "${namespace.slice(0, 20)}…" is ${namespace.length} characters; the maximum is ${CONTEXT_STORE_LIMITS.maxNamespaceLength}`, { details: { namespace } });
  }
  if (!NAMESPACE_RE.test(namespace)) {
    throw new BottangoError(BottangoErrorCode.InvalidNamespace, `namespace "${namespace}" may contain only letters, digits and underscore`, { details: { namespace } });
  }
  if ((CONTEXT_STORE_LIMITS.reservedNamespaces as readonly string[]).includes(namespace.toLowerCase())) {
    throw new BottangoError(BottangoErrorCode.ReservedNamespace, `namespace "${namespace}" is reserved (reserved: ${CONTEXT_STORE_LIMITS.reservedNamespaces.join(', ')})`, { details: { namespace } });
  }
}

export function validateTtl(ttlSeconds: number | undefined): number {
  const ttl = ttlSeconds ?? 0;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > CONTEXT_STORE_LIMITS.maxTtlSeconds) {
    throw new BottangoError(BottangoErrorCode.InvalidValue, `ttlSeconds must be a whole number from 0 to ${CONTEXT_STORE_LIMITS.maxTtlSeconds}, got ${String(ttlSeconds)}`, { details: { ttlSeconds } });
  }
  return ttl;
}

export function validatePropertyName(property: string): void {
  if (typeof property !== 'string' || property.length === 0) {
    throw new BottangoError(BottangoErrorCode.InvalidKey, 'property must be a non-empty string', { details: { property } });
  }
  if (property.length > CONTEXT_STORE_LIMITS.maxPropertyLength) {
    throw new BottangoError(BottangoErrorCode.InvalidKey, `property "${property.slice(0, 20)}…" is ${property.length} characters; the maximum is ${CONTEXT_STORE_LIMITS.maxPropertyLength}`, { details: { property } });
  }
  if ((CONTEXT_STORE_LIMITS.reservedPropertyNames as readonly string[]).includes(property)) {
    throw new BottangoError(BottangoErrorCode.InvalidKey, `property "${property}" is reserved: it cannot be a key of the object getAll returns; choose another name`, { details: { property } });
  }
}

/**
 * Adds one stored property to the object a store's `getAll` returns. A reserved name (written by a version that did not
 * refuse it yet) is left out rather than assigned, so the result never gets a different prototype.
 */
export function addToGetAllResult(result: Record<string, JsonValue>, property: string, value: JsonValue): void {
  if ((CONTEXT_STORE_LIMITS.reservedPropertyNames as readonly string[]).includes(property)) return;
  result[property] = value;
}

export function validateScope(scope: ContextScope): void {
  const id = scope.kind === 'user' ? scope.userId : scope.kind === 'conversation' ? scope.conversationId : undefined;
  if (scope.kind === 'global') return;
  if (scope.kind !== 'user' && scope.kind !== 'conversation') {
    throw new BottangoError(BottangoErrorCode.InvalidKey, `unknown scope ${JSON.stringify(scope)}`);
  }
  if (typeof id !== 'string' || id.length === 0 || id.length > CONTEXT_STORE_LIMITS.maxScopeIdLength) {
    throw new BottangoError(BottangoErrorCode.InvalidKey, `${scope.kind} scope needs an ID of 1 to ${CONTEXT_STORE_LIMITS.maxScopeIdLength} characters, got ${JSON.stringify(id)}`);
  }
}

/** For get-all and delete-all: a user or conversation scope (the spec has no get-all for the global scope). */
export function validateSessionScope(scope: SessionScope): void {
  validateScope(scope);
  if (scope.kind !== 'user' && scope.kind !== 'conversation') {
    throw new BottangoError(BottangoErrorCode.InvalidKey, `getAll/deleteAll need a user or conversation scope, got ${JSON.stringify(scope)} (there is no get-all for the global scope)`);
  }
}

/** Serialises a value for storage, refusing what JSON cannot keep and what is too large. */
export function encodeContextValue(value: JsonValue, where?: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new BottangoError(BottangoErrorCode.InvalidValue, 'value cannot be written as JSON', { cause, ...(where ? { where } : {}) });
  }
  if (text === undefined || !isJsonRoundTrippable(value)) {
    throw new BottangoError(BottangoErrorCode.InvalidValue, 'value must be JSON: string, finite number, boolean, null, array or plain object', where ? { where } : {});
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > CONTEXT_STORE_LIMITS.maxValueBytes) {
    throw new BottangoError(BottangoErrorCode.ValueTooLarge, `value is ${bytes} bytes as JSON; the maximum is ${CONTEXT_STORE_LIMITS.maxValueBytes}`, { details: { bytes }, ...(where ? { where } : {}) });
  }
  return text;
}

function isJsonRoundTrippable(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonRoundTrippable);
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value as object).every(isJsonRoundTrippable);
  }
  return false;
}

/** A stable string for a scope, used by stores as part of their keys. */
export function scopeKey(scope: ContextScope): string {
  switch (scope.kind) {
    case 'global':
      return 'g';
    case 'user':
      return `u:${scope.userId}`;
    case 'conversation':
      return `c:${scope.conversationId}`;
  }
}

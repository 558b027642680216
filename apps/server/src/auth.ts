import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** SHA-256 of a secret, as 32 bytes. */
export function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A new conversation token: 32 random bytes, base64url (43 characters). */
export function newConversationToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a presented secret's SHA-256 with a stored one (hex). */
export function matchesHash(presented: Buffer, hashHex: string): boolean {
  const stored = Buffer.from(hashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** Operator API keys, kept only as SHA-256 hashes. */
export class ApiKeys {
  readonly #hashes: Buffer[];

  constructor(keys: Iterable<string>) {
    const unique = new Set([...keys].map((k) => k.trim()).filter((k) => k !== ''));
    this.#hashes = [...unique].map(sha256);
  }

  get size(): number {
    return this.#hashes.length;
  }

  /** The index of the key whose SHA-256 is `presented` (a stable client id for limits), or -1. Compares with every key in constant time. */
  find(presented: Buffer): number {
    let found = -1;
    this.#hashes.forEach((hash, i) => {
      if (timingSafeEqual(hash, presented) && found === -1) found = i;
    });
    return found;
  }
}

/** Keys from the text of a keys file (one a line; blank lines and `#` comments skipped) and/or a comma-separated list. */
export function parseApiKeys(fileText: string | undefined, envValue: string | undefined): string[] {
  const fromFile = (fileText ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const fromEnv = (envValue ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  return [...fromFile, ...fromEnv];
}

/** True for addresses only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.') || /^0{0,4}(:0{0,4}){6}:0{0,3}1$/.test(h);
  return false;
}

/** The bearer token of an Authorization header, if any. */
export function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

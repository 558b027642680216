/**
 * Features are identified by 32-bit hashes instead of strings, so featurising allocates no key strings
 * (character n-grams are hashed in place) and the vocabulary is two typed arrays.
 */

/** Seeds keep the three feature groups apart. */
const SEED_WORD = 0x9e3779b9;
const SEED_BIGRAM = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3 finaliser: spreads FNV's weak low bits (the index table uses them). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Hash of a whole word (its stem). */
export function hashWord(stem: string): number {
  let h = FNV_OFFSET ^ SEED_WORD;
  for (let i = 0; i < stem.length; i++) h = Math.imul(h ^ stem.charCodeAt(i), FNV_PRIME);
  return mix(h);
}

/** Hash of two consecutive word hashes. */
export function hashBigram(first: number, second: number): number {
  let h = FNV_OFFSET ^ SEED_BIGRAM;
  h = Math.imul(h ^ first, FNV_PRIME);
  h = Math.imul(h ^ second, FNV_PRIME);
  return mix(h);
}

const BOUNDARY_START = 60; // '<'
const BOUNDARY_END = 62; // '>'

/** Hash of the character n-gram at `start` (length `n`) of `<word>`, without building the substring. */
export function hashCharNgram(word: string, start: number, n: number): number {
  let h = FNV_OFFSET ^ SEED_CHAR;
  const last = word.length + 1;
  for (let p = start; p < start + n; p++) {
    const code = p === 0 ? BOUNDARY_START : p === last ? BOUNDARY_END : word.charCodeAt(p - 1);
    h = Math.imul(h ^ code, FNV_PRIME);
  }
  return mix(h);
}

/** Open-addressing map from feature hash to feature id (ids are 0..count-1, in the order of `hashes`). */
export class FeatureIndex {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(readonly hashes: Int32Array) {
    let capacity = 16;
    while (capacity < hashes.length * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let id = 0; id < hashes.length; id++) {
      const hash = hashes[id] as number;
      let slot = hash & this.mask;
      while ((this.values[slot] as number) !== -1 && (this.keys[slot] as number) !== hash) slot = (slot + 1) & this.mask;
      if ((this.values[slot] as number) === -1) {
        this.keys[slot] = hash;
        this.values[slot] = id;
      }
    }
  }

  get size(): number {
    return this.hashes.length;
  }

  /** The feature id of a hash, or -1. */
  get(hash: number): number {
    const { keys, values, mask } = this;
    let slot = hash & mask;
    for (;;) {
      const id = values[slot] as number;
      if (id === -1 || (keys[slot] as number) === hash) return id;
      slot = (slot + 1) & mask;
    }
  }
}

/** Training-side counts per feature hash (document frequency, group), in typed arrays that grow by doubling. */
export class FeatureCounter {
  private keys = new Int32Array(1 << 12);
  private frequency = new Int32Array(1 << 12);
  private lastText = new Int32Array(1 << 12).fill(-1);
  private group = new Uint8Array(1 << 12);
  private used = new Uint8Array(1 << 12);
  private count = 0;

  /** Counts `hash` once per text (`text` is the text's number). */
  add(hash: number, group: number, text: number): void {
    if (this.count * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let slot = hash & mask;
    while (this.used[slot] === 1 && (this.keys[slot] as number) !== hash) slot = (slot + 1) & mask;
    if (this.used[slot] === 0) {
      this.used[slot] = 1;
      this.keys[slot] = hash;
      this.group[slot] = group;
      this.count++;
    }
    if (this.lastText[slot] === text) return;
    this.lastText[slot] = text;
    this.frequency[slot] = (this.frequency[slot] as number) + 1;
  }

  /** Calls `visit(hash, documentFrequency, group)` for every counted hash, in slot order (deterministic). */
  forEach(visit: (hash: number, frequency: number, group: number) => void): void {
    for (let slot = 0; slot < this.keys.length; slot++) {
      if (this.used[slot] === 1) visit(this.keys[slot] as number, this.frequency[slot] as number, this.group[slot] as number);
    }
  }

  private grow(): void {
    const { keys, frequency, lastText, group, used } = this;
    const capacity = keys.length * 2;
    this.keys = new Int32Array(capacity);
    this.frequency = new Int32Array(capacity);
    this.lastText = new Int32Array(capacity).fill(-1);
    this.group = new Uint8Array(capacity);
    this.used = new Uint8Array(capacity);
    const mask = capacity - 1;
    for (let old = 0; old < keys.length; old++) {
      if (used[old] === 0) continue;
      const hash = keys[old] as number;
      let slot = hash & mask;
      while (this.used[slot] === 1) slot = (slot + 1) & mask;
      this.used[slot] = 1;
      this.keys[slot] = hash;
      this.frequency[slot] = frequency[old] as number;
      this.lastText[slot] = lastText[old] as number;
      this.group[slot] = group[old] as number;
    }
  }
}

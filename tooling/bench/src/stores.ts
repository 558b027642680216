/**
 * `pnpm bench stores`: throughput and latency of every Context Session Store, for set and get at each scope,
 * with 1 client and with 8 clients (8 store instances — for Redis 8 connections — each keeping 4 requests in
 * flight, which pipelines them on Redis), plus the size of 100,000 conversation-scope entries.
 * Starts its own redis-server (scripts/redis.sh) unless REDIS_URL is set. Writes the `stores` section of BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { ContextScope, ContextStore, JsonValue } from '@bottango/core';
import { MemoryContextStore } from '@bottango/store-memory';
import { SqliteContextStore } from '@bottango/store-sqlite';
import { RedisContextStore } from '@bottango/store-redis';
import { machineLine, updateBenchmarksSection } from './benchmarks-file.js';
import { quantile } from './quantile.js';

const here = dirname(fileURLToPath(import.meta.url));
const REDIS_SCRIPT = resolve(here, '../../../scripts/redis.sh');
const CELL_MS = 1_000;
const KEYS_PER_SCOPE = 1_000;
const SAMPLE_EVERY = 8;
const CLIENTS = 8;
const IN_FLIGHT = 4;
const SIZE_ENTRIES = 100_000;
const NAMESPACE = 'bench';

interface StoreUnderTest {
  readonly name: string;
  /** Opens one more client (instance, connection) on the same storage. */
  open(): Promise<ContextStore>;
  cleanup(): Promise<void>;
}

interface Cell {
  readonly store: string;
  readonly scope: string;
  readonly op: 'set' | 'get';
  readonly clients: string;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const SCOPES: readonly { readonly name: string; readonly scope: (i: number) => ContextScope; readonly property: (i: number) => string }[] = [
  { name: 'global', scope: () => ({ kind: 'global' }), property: (i) => `p${i}` },
  { name: 'user', scope: (i) => ({ kind: 'user', userId: `user-${i}` }), property: () => 'profile' },
  { name: 'conversation', scope: (i) => ({ kind: 'conversation', conversationId: `conv-${i}` }), property: () => 'order' },
];

const value = (i: number): JsonValue => ({ step: i, slot: 'window seat', ok: true, items: [1, 2, 3] });

/** Runs `op` from `loops` concurrent loops for CELL_MS; samples the latency of every SAMPLE_EVERY-th call. */
async function measure(loops: number, op: (loop: number, i: number) => Promise<unknown>): Promise<{ opsPerSecond: number; p50Ms: number; p99Ms: number }> {
  const samples: number[] = [];
  let total = 0;
  const started = performance.now();
  const deadline = started + CELL_MS;
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      let done = false;
      for (let i = loop * 7919; !done; i++) {
        if ((i & 63) === 0 && performance.now() > deadline) done = true;
        if (i % SAMPLE_EVERY === 0) {
          const t0 = performance.now();
          await op(loop, i);
          samples.push(performance.now() - t0);
        } else {
          await op(loop, i);
        }
        total++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  const sorted = Float64Array.from(samples).sort();
  return { opsPerSecond: (total / elapsed) * 1000, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
}

async function benchStore(subject: StoreUnderTest, cells: Cell[]): Promise<void> {
  const one = await subject.open();
  const many = [one, ...(await Promise.all(Array.from({ length: CLIENTS - 1 }, () => subject.open())))];
  await one.registerNamespace(NAMESPACE, { ttlSeconds: 86_400 });
  // Warm-up (JIT, connections, prepared statements).
  await measure(1, (_, i) => one.set(NAMESPACE, { kind: 'global' }, `p${i % KEYS_PER_SCOPE}`, value(i)));
  for (const { name: scopeName, scope, property } of SCOPES) {
    for (const op of ['set', 'get'] as const) {
      const run = (store: ContextStore, i: number): Promise<unknown> => {
        const k = i % KEYS_PER_SCOPE;
        return op === 'set' ? store.set(NAMESPACE, scope(k), property(k), value(i)) : store.get(NAMESPACE, scope(k), property(k));
      };
      const single = await measure(1, (_, i) => run(one, i));
      cells.push({ store: subject.name, scope: scopeName, op, clients: '1', ...single });
      const multi = await measure(CLIENTS * IN_FLIGHT, (loop, i) => run(many[loop % CLIENTS] as ContextStore, i));
      cells.push({ store: subject.name, scope: scopeName, op, clients: `${CLIENTS} × ${IN_FLIGHT} in flight`, ...multi });
      process.stdout.write(`  ${subject.name} ${scopeName} ${op}: ${Math.round(single.opsPerSecond)} ops/s (1), ${Math.round(multi.opsPerSecond)} ops/s (${CLIENTS})\n`);
    }
  }
  for (const store of many) await store.close();
}

async function fill(store: ContextStore, entries: number): Promise<void> {
  await store.registerNamespace('size', { ttlSeconds: 86_400 });
  const batch = 64;
  for (let i = 0; i < entries; i += batch) {
    const writes: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(entries, i + batch); j++) writes.push(store.set('size', { kind: 'conversation', conversationId: `conv-${j}` }, 'order', value(j)));
    await Promise.all(writes);
  }
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function ms(n: number): string {
  return n < 0.01 ? n.toFixed(4) : n.toFixed(3);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bottango-bench-stores-'));
  let redisUrl = process.env['REDIS_URL'];
  const ownRedis = !redisUrl;
  const redisEnv = { ...process.env, BOTTANGO_REDIS_STATE: join(work, 'redis-state') };
  if (ownRedis) {
    if (!existsSync(REDIS_SCRIPT)) throw new Error(`cannot find ${REDIS_SCRIPT}`);
    redisUrl = execFileSync(REDIS_SCRIPT, ['start'], { env: redisEnv, encoding: 'utf8' }).trim();
  }
  const redisPrefix = `bench:${randomUUID()}:`;
  const cells: Cell[] = [];
  const sizes: { store: string; bytes: number; how: string }[] = [];
  let sqliteFullSet: { opsPerSecond: number; p50Ms: number; p99Ms: number } | undefined;
  try {
    // ---------- memory
    const memory = new MemoryContextStore();
    await benchStore({ name: 'memory', open: async () => memory, cleanup: async () => undefined }, cells);

    // ---------- sqlite
    const sqlitePath = join(work, 'bench.sqlite');
    await benchStore({ name: 'sqlite', open: async () => new SqliteContextStore({ path: sqlitePath }), cleanup: async () => undefined }, cells);
    const full = new SqliteContextStore({ path: join(work, 'full.sqlite'), synchronous: 'FULL' });
    await full.registerNamespace(NAMESPACE);
    sqliteFullSet = await measure(1, (_, i) => full.set(NAMESPACE, { kind: 'conversation', conversationId: `conv-${i % KEYS_PER_SCOPE}` }, 'order', value(i)));
    await full.close();

    // ---------- redis
    const url = redisUrl as string;
    await benchStore({ name: 'redis', open: () => RedisContextStore.connect({ url, keyPrefix: redisPrefix }), cleanup: async () => undefined }, cells);

    // ---------- size of 100,000 conversation-scope entries
    process.stdout.write(`  sizes: ${fmt(SIZE_ENTRIES)} conversation entries per store\n`);
    {
      gc();
      const before = process.memoryUsage().heapUsed;
      const store = new MemoryContextStore();
      await fill(store, SIZE_ENTRIES);
      gc();
      sizes.push({ store: 'memory', bytes: process.memoryUsage().heapUsed - before, how: 'V8 heap growth after GC' });
      await store.close();
    }
    {
      const path = join(work, 'size.sqlite');
      const store = new SqliteContextStore({ path });
      await fill(store, SIZE_ENTRIES);
      await store.close(); // checkpoints the WAL into the file
      const wal = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
      sizes.push({ store: 'sqlite', bytes: statSync(path).size + wal, how: 'database file (+ WAL) on disk' });
    }
    {
      const sizePrefix = `${redisPrefix}size:`;
      const probe = await RedisContextStore.connect({ url, keyPrefix: sizePrefix });
      const usedMemory = async (): Promise<number> => {
        const info = execFileSync('redis-cli', ['-u', url, 'info', 'memory'], { encoding: 'utf8' });
        return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
      };
      const before = await usedMemory();
      await fill(probe, SIZE_ENTRIES);
      const after = await usedMemory();
      sizes.push({ store: 'redis', bytes: after - before, how: 'INFO used_memory growth (value key + scope index per entry)' });
      await probe.deleteNamespace('size');
      await probe.close();
    }
    const cleaner = await RedisContextStore.connect({ url, keyPrefix: redisPrefix });
    await cleaner.deleteNamespace(NAMESPACE);
    await cleaner.close();
  } finally {
    if (ownRedis) execFileSync(REDIS_SCRIPT, ['stop'], { env: redisEnv, stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }

  const rows = cells.map((c) => `| ${c.store} | ${c.scope} | ${c.op} | ${c.clients} | ${fmt(c.opsPerSecond)} | ${ms(c.p50Ms)} | ${ms(c.p99Ms)} |`);
  const markdown = [
    '## Context Session Stores',
    '',
    `\`pnpm bench stores\` — ${machineLine()}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), shared with other work while measured.`,
    `Each cell runs for ${CELL_MS} ms over ${fmt(KEYS_PER_SCOPE)} keys per scope (value: a ${JSON.stringify(value(0)).length}-byte JSON object, namespace TTL 1 day).`,
    `"1" = one client, one request at a time. "${CLIENTS} × ${IN_FLIGHT} in flight" = ${CLIENTS} store instances (sqlite: ${CLIENTS} connections to one file;`,
    `redis: ${CLIENTS} TCP connections, so requests are pipelined; memory: one process-local store) each with ${IN_FLIGHT} requests outstanding.`,
    `Latency is per call, sampled on every ${SAMPLE_EVERY}th call, including queueing behind the other in-flight requests.`,
    `sqlite: WAL, synchronous=NORMAL (durable against a process crash). redis: ${ownRedis ? 'a throwaway redis-server started by scripts/redis.sh (loopback, no persistence)' : 'the server at REDIS_URL'}, via Lua scripts.`,
    '',
    '| store | scope | op | clients | ops/s | p50 ms | p99 ms |',
    '| --- | --- | --- | --- | ---: | ---: | ---: |',
    ...rows,
    '',
    sqliteFullSet
      ? `sqlite with \`synchronous: "FULL"\` (fsync per commit, survives a power cut), conversation-scope set, 1 client: ${fmt(sqliteFullSet.opsPerSecond)} ops/s, p99 ${ms(sqliteFullSet.p99Ms)} ms.`
      : '',
    '',
    `Size of ${fmt(SIZE_ENTRIES)} conversation-scope entries (one property each, TTL 1 day):`,
    '',
    '| store | total | per entry | measured as |',
    '| --- | ---: | ---: | --- |',
    ...sizes.map((s) => `| ${s.store} | ${kib(s.bytes)} | ${fmt(s.bytes / SIZE_ENTRIES)} B | ${s.how} |`),
  ].join('\n');
  updateBenchmarksSection('stores', markdown);
  process.stdout.write(`\n${markdown}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench stores failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

/**
 * The one timing loop of `bottango eval` and `pnpm bench nlu`, so both report the same throughput and latency for the
 * same matcher. Imports nothing, so a benchmark child can load it (`@bottango/eval/timing`) without the rest of the package.
 */

export interface TimeEachOptions<T> {
  /**
   * Items run once each through the same loop before timing starts, their results dropped (warm-up: JIT, caches, and
   * the loop itself compiled). `bottango eval` and `pnpm bench nlu` pass every in-scope training text.
   */
  readonly warmUp?: readonly T[];
  /** Called after each timed call, outside the timed window. */
  readonly onEach?: (done: number, total: number) => void;
  /** Called after each warm-up call. */
  readonly onWarmUp?: (done: number, total: number) => void;
}

export interface TimedRun<R> {
  /** The result of each item, in order. */
  readonly results: R[];
  /** Milliseconds of each call, ascending (for quantiles). */
  readonly sortedLatenciesMs: Float64Array;
  /** Sum of the calls' milliseconds. */
  readonly totalMs: number;
  /** Items per second of call time (0 when no time was measured). */
  readonly perSecond: number;
  /** How many warm-up calls ran before timing. */
  readonly warmUp: number;
}

/** Times `run` on each item, one at a time. A promise result is awaited inside the timed window; a plain one is not. */
export async function timeEach<T, R>(items: readonly T[], run: (item: T) => R | PromiseLike<R>, options: TimeEachOptions<T> = {}): Promise<TimedRun<R>> {
  const pass = async (list: readonly T[], latencies: Float64Array, results: R[] | undefined, onEach: ((done: number, total: number) => void) | undefined): Promise<number> => {
    let total = 0;
    for (let i = 0; i < list.length; i++) {
      const start = performance.now();
      let result = run(list[i] as T);
      if (isPromiseLike(result)) result = await result;
      const elapsed = performance.now() - start;
      latencies[i] = elapsed;
      total += elapsed;
      results?.push(result);
      onEach?.(i + 1, list.length);
    }
    return total;
  };
  const warmUp = options.warmUp ?? [];
  await pass(warmUp, new Float64Array(warmUp.length), undefined, options.onWarmUp);
  const latencies = new Float64Array(items.length);
  const results: R[] = [];
  const totalMs = await pass(items, latencies, results, options.onEach);
  latencies.sort();
  return { results, sortedLatenciesMs: latencies, totalMs, perSecond: totalMs > 0 ? items.length / (totalMs / 1000) : 0, warmUp: warmUp.length };
}

function isPromiseLike<R>(value: R | PromiseLike<R>): value is PromiseLike<R> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

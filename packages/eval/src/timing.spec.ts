import { describe, expect, it } from 'vitest';
import { timeEach } from './timing.js';

describe('timeEach', () => {
  it('runs the warm-up items first (results dropped), then times each item in order', async () => {
    const calls: string[] = [];
    const progress: string[] = [];
    const run = (x: string): string => {
      calls.push(x);
      return x.toUpperCase();
    };
    const timed = await timeEach(['a', 'b', 'c'], run, {
      warmUp: ['w1', 'w2'],
      onWarmUp: (done, total) => progress.push(`warm ${done}/${total}`),
      onEach: (done, total) => progress.push(`timed ${done}/${total}`),
    });
    expect(calls).toEqual(['w1', 'w2', 'a', 'b', 'c']);
    expect(progress).toEqual(['warm 1/2', 'warm 2/2', 'timed 1/3', 'timed 2/3', 'timed 3/3']);
    expect(timed.results).toEqual(['A', 'B', 'C']);
    expect(timed.warmUp).toBe(2);
    expect(timed.sortedLatenciesMs).toHaveLength(3);
    expect([...timed.sortedLatenciesMs]).toEqual([...timed.sortedLatenciesMs].sort((x, y) => x - y));
    expect(timed.totalMs).toBeCloseTo(timed.sortedLatenciesMs.reduce((s, x) => s + x, 0), 9);
    expect(timed.perSecond).toBeCloseTo(timed.totalMs > 0 ? 3 / (timed.totalMs / 1000) : 0, 6);
  });

  it('awaits a promise result inside the timed window', async () => {
    const timed = await timeEach([20, 1], (ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)));
    expect(timed.results).toEqual([20, 1]);
    expect(timed.sortedLatenciesMs[1]).toBeGreaterThanOrEqual(15);
    expect(timed.warmUp).toBe(0);
  });

  it('gives 0 per second and no latencies for no items', async () => {
    const timed = await timeEach([], () => 1, { warmUp: [1, 2] });
    expect(timed).toMatchObject({ results: [], totalMs: 0, perSecond: 0, warmUp: 2 });
    expect(timed.sortedLatenciesMs).toHaveLength(0);
  });
});

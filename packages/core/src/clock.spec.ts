import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('runs due timers in time order, each at its own time, and skips cleared ones', () => {
    const clock = new ManualClock(1000);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b@${clock.now()}`), 300);
    const cleared = clock.setTimeout(() => ran.push('never'), 100);
    clock.setTimeout(() => {
      ran.push(`a@${clock.now()}`);
      clock.setTimeout(() => ran.push(`c@${clock.now()}`), 50);
    }, 200);
    clock.clearTimeout(cleared);
    clock.advance(199);
    expect(ran).toEqual([]);
    clock.advance(200);
    expect(ran).toEqual(['a@1200', 'c@1250', 'b@1300']);
    expect(clock.now()).toBe(1399);
    expect(clock.pending).toBe(0);
  });

  it('stops an advance whose timers keep re-arming themselves with no delay, instead of spinning for ever', () => {
    const clock = new ManualClock();
    const rearm = (): void => void clock.setTimeout(rearm, 0);
    rearm();
    expect(() => clock.advance(1)).toThrow('ManualClock.advance ran 100,000 timers and more are due');
  });

  it('the system clock reads Date.now and fires real timers', async () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(50);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
  });
});

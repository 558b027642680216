import { ManualClock, type ClockTimer } from '@bottango/core';

/** Timers' due times one `wait` may run through: a timer that re-arms itself with no delay would spin for ever. */
export const MAX_TIMER_ROUNDS_PER_WAIT = 100_000;

/** Where a scenario's time starts (a fixed date, so runs are alike). */
const SCENARIO_EPOCH = Date.UTC(2026, 0, 1);

/**
 * The fake clock of a scenario run: time stands still during a turn and moves only on `wait`. `pass` runs the timers
 * due one due time after another, letting the work each started finish (`settle`) before the next — so a timer that
 * a timer's work sets is run too when it falls due within the wait.
 */
export class ScenarioClock extends ManualClock {
  /** Due time of each pending timer. */
  readonly #due = new Map<ClockTimer, number>();

  constructor() {
    super(SCENARIO_EPOCH);
  }

  override setTimeout(fn: () => void, ms: number): ClockTimer {
    const timer = super.setTimeout(() => {
      this.#due.delete(timer);
      fn();
    }, ms);
    this.#due.set(timer, this.now() + Math.max(0, ms));
    return timer;
  }

  override clearTimeout(timer: ClockTimer): void {
    this.#due.delete(timer);
    super.clearTimeout(timer);
  }

  /** Moves time to the next timer due and runs the timers due then; false when none is pending. */
  runNext(): boolean {
    const due = Math.min(...this.#due.values());
    if (!Number.isFinite(due)) return false;
    this.advance(due - this.now());
    return true;
  }

  /** Moves time forward by `ms`; after the timers of each due time have run, waits for `settle()`. */
  async pass(ms: number, settle: () => Promise<void>): Promise<void> {
    const end = this.now() + ms;
    for (let round = 0; ; round++) {
      const due = Math.min(...[...this.#due.values()].filter((at) => at <= end));
      if (!Number.isFinite(due)) break;
      if (round === MAX_TIMER_ROUNDS_PER_WAIT) throw new Error(`the wait ran timers at ${MAX_TIMER_ROUNDS_PER_WAIT.toLocaleString('en-US')} due times and more keep coming (a timer re-arming itself?)`);
      this.advance(due - this.now());
      await settle();
    }
    this.advance(end - this.now());
  }
}

/** An opaque timer handle, returned by `Clock.setTimeout`. */
export type ClockTimer = unknown;

/** Time as the runtime sees it: every timestamp and timer of the runtime goes through one, so tests can fake it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** The real clock: `Date.now` and the host's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** Timers one `advance` may run (see there). */
const MAX_TIMERS_PER_ADVANCE = 100_000;

/**
 * A clock that moves only when told (tests, scenario files): `advance(ms)` runs the timers that fall due, in time order,
 * each with `now()` at its due time.
 */
export class ManualClock implements Clock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { readonly at: number; readonly fn: () => void }>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(timer: ClockTimer): void {
    this.#timers.delete(timer as number);
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, running every timer due by then (including ones those timers set). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let ran = 0; ; ran++) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      // A timer that re-arms itself with no delay would otherwise keep time from moving, for ever.
      if (ran === MAX_TIMERS_PER_ADVANCE) throw new Error(`ManualClock.advance ran ${MAX_TIMERS_PER_ADVANCE.toLocaleString('en-US')} timers and more are due (a timer re-arming itself?)`);
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.#now = end;
  }
}

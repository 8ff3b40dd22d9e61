/**
 * Time as a dependency. Services read the time from a Clock and wait through Timers; this module holds
 * the only implementations that touch the real clock and real timers (systemClock, systemTimers). Tests
 * pass a ManualClock, which is both, and move time by hand: nothing in a test waits for the machine.
 */
export interface Clock {
  now(): Date;
}

export interface Timers {
  /** Resolves after `ms`; rejects with the signal's reason as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A signal that aborts with a "TimeoutError" DOMException after `ms`, like AbortSignal.timeout. */
  timeout(ms: number): AbortSignal;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemTimers: Timers = {
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
  timeout: (ms) => AbortSignal.timeout(ms),
};

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly fire: () => void;
}

/**
 * A clock and timers that tests move by hand. `advance` moves the time and fires, in order, every timer
 * that came due; a timer that a fired callback sets in turn waits for the next `advance`. Sleeps of 0 ms
 * or less resolve at once.
 */
export class ManualClock implements Clock, Timers {
  #now: number;
  #order = 0;
  readonly #timers = new Set<PendingTimer>();
  readonly #waiters = new Set<{ accepts: (at: number) => boolean; resolve: () => void }>();

  constructor(start: Date | string | number = "2026-11-27T12:00:00.000Z") {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(milliseconds: number): void {
    this.set(this.#now + milliseconds);
  }

  /** Moves the clock to `to`; moving forward fires the timers that came due. */
  set(to: Date | string | number): void {
    this.#now = new Date(to).getTime();
    const due = [...this.#timers]
      .filter((timer) => timer.at <= this.#now)
      .sort((a, b) => a.at - b.at || a.order - b.order);
    for (const timer of due) {
      this.#timers.delete(timer);
      timer.fire();
    }
  }

  /** How many sleeps and timeouts are waiting for the clock to move. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Resolves once a timer is pending that is due `inMs` from now (any timer when omitted): the code
   * under test has started to wait, e.g. `await clock.untilTimer(5_000)` for a 5-second grace period.
   */
  untilTimer(inMs?: number): Promise<void> {
    const accepts = (at: number) => inMs === undefined || at === this.#now + inMs;
    if ([...this.#timers].some((timer) => accepts(timer.at))) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ accepts, resolve }));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#timers.delete(timer);
        reject(signal?.reason);
      };
      const timer: PendingTimer = {
        at: this.#now + ms,
        order: this.#order++,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#add(timer);
    });
  }

  timeout(ms: number): AbortSignal {
    const controller = new AbortController();
    const fire = () => controller.abort(new DOMException("The operation timed out.", "TimeoutError"));
    if (ms <= 0) fire();
    else this.#add({ at: this.#now + ms, order: this.#order++, fire });
    return controller.signal;
  }

  #add(timer: PendingTimer): void {
    this.#timers.add(timer);
    for (const waiter of this.#waiters) {
      if (waiter.accepts(timer.at)) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

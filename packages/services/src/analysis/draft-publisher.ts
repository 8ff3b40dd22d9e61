import type { Clock } from "../clock.js";

/** Drafts are published at most this often: fast enough to read as live, slow enough for the database. */
export const DRAFT_INTERVAL_MS = 200;

/**
 * Throttles a judge's growing draft into writes: the first draft is written at once, later ones at most
 * every DRAFT_INTERVAL_MS by the injected clock (a draft that arrives sooner waits for the next one, so
 * none is written out of order or twice). Writes run one after another; `settled()` waits for the last,
 * so nothing is written after the analysis moves on. A draft is a courtesy: a failed write (the lease
 * was lost, the database blinked) is not an error of the analysis, whose next step finds out anyway.
 */
export class DraftPublisher {
  readonly #write: (draft: string) => Promise<unknown>;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  #lastWrittenAt: number | null = null;
  #chain: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(write: (draft: string) => Promise<unknown>, clock: Clock, intervalMs = DRAFT_INTERVAL_MS) {
    this.#write = write;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** The judge's draft so far. */
  readonly offer = (draft: string): void => {
    if (this.#stopped) return;
    const now = this.#clock.now().getTime();
    if (this.#lastWrittenAt !== null && now - this.#lastWrittenAt < this.#intervalMs) return;
    this.#lastWrittenAt = now;
    this.#chain = this.#chain.then(() => this.#write(draft)).catch(() => {});
  };

  /** Stops taking drafts and waits until those taken are written. */
  async settled(): Promise<void> {
    this.#stopped = true;
    await this.#chain;
  }
}

import { type DatabaseHandle, rowsOf, type Unlisten } from "@unwrapped/db";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Clock, Timers } from "../clock.js";
import { UpstreamError } from "../errors.js";

/** Where a pause is broadcast: the payload is the end of the pause in epoch milliseconds. */
export const SPOTIFY_BUDGET_CHANNEL = "spotify_budget";
const BUDGET_ROW = "spotify";

/** What fetchWithRetry asks before each request to Spotify, and tells after a 429. */
export interface RequestBudget {
  /**
   * Resolves when the next request may go out: after the deployment-wide pause and at this process's
   * slot of the shared rate. A wait longer than `maxWaitMs` is not sat out: it throws a retryable 429
   * UpstreamError carrying the wait, so the analysis goes back to the queue until then.
   */
  acquire(signal?: AbortSignal, maxWaitMs?: number): Promise<void>;
  /** Spotify said to wait `retryAfterMs`: every worker of the deployment stops until then. */
  pause(retryAfterMs: number): Promise<void>;
}

export interface BudgetObserver {
  /** A request waited this long for the pause or its slot. */
  waited(ms: number): void;
  /** Spotify asked for a pause of this long. */
  paused(ms: number): void;
}

/**
 * One Spotify budget for every worker, kept in the one-row `spotify_budget` table. A 429 from Spotify
 * (which limits the app as a whole, over a rolling window) sets `paused_until` and NOTIFYs it, so each
 * process learns of the pause at once and holds its requests; a process that starts later reads it from
 * the row. With a rate (SPOTIFY_MAX_RPS), each request takes the next free slot from `next_slot_at` in
 * one UPDATE, so slots are 1/rate apart across all processes together and never earlier than a pause's
 * end. Time comes from the injected clock (the row stores it), not from the database's now().
 */
export class SpotifyBudget implements RequestBudget {
  readonly #database: DatabaseHandle;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #logger: Logger;
  readonly #slotMs: number | null;
  readonly #observer: BudgetObserver | undefined;
  #pausedUntilMs = 0;
  #ready: Promise<void> | undefined;
  #unlisten: Unlisten | undefined;

  constructor(dependencies: {
    database: DatabaseHandle;
    clock: Clock;
    timers: Timers;
    logger: Logger;
    /** Requests per second for the whole deployment; null for no cap (pauses still apply). */
    maxRequestsPerSecond: number | null;
    observer?: BudgetObserver | undefined;
  }) {
    this.#database = dependencies.database;
    this.#clock = dependencies.clock;
    this.#timers = dependencies.timers;
    this.#logger = dependencies.logger;
    this.#slotMs = dependencies.maxRequestsPerSecond ? 1000 / dependencies.maxRequestsPerSecond : null;
    this.#observer = dependencies.observer;
  }

  /** The end of the pause this process knows of (epoch ms; 0 when none was seen). */
  get pausedUntil(): Date {
    return new Date(this.#pausedUntilMs);
  }

  /** Subscribes to pauses and reads the current one; done on first use if not called. */
  start(): Promise<void> {
    this.#ready ??= this.#subscribe();
    return this.#ready;
  }

  async close(): Promise<void> {
    await this.#unlisten?.().catch(() => {});
    this.#unlisten = undefined;
  }

  async acquire(signal?: AbortSignal, maxWaitMs = Number.POSITIVE_INFINITY): Promise<void> {
    await this.start();
    if (!this.#unlisten) await this.#readStoredPause();
    let waitedMs = 0;
    for (;;) {
      const now = this.#clock.now().getTime();
      const goAt = this.#slotMs === null ? this.#pausedUntilMs : await this.#takeSlot(now);
      const waitMs = Math.max(0, goAt - now);
      if (waitMs > maxWaitMs) {
        throw new UpstreamError("Spotify asked us to slow down", {
          retryable: true,
          status: 429,
          retryAfterMs: waitMs,
        });
      }
      if (waitMs > 0) await this.#timers.sleep(waitMs, signal);
      waitedMs += waitMs;
      // A pause that arrived while waiting for the slot: wait for it too (and take a slot after it).
      if (this.#pausedUntilMs <= this.#clock.now().getTime()) break;
    }
    if (waitedMs > 0) this.#observer?.waited(waitedMs);
  }

  async pause(retryAfterMs: number): Promise<void> {
    await this.start();
    this.#observer?.paused(retryAfterMs);
    const now = this.#clock.now();
    const until = new Date(now.getTime() + retryAfterMs);
    this.#pausedUntilMs = Math.max(this.#pausedUntilMs, until.getTime());
    await this.#database.db.execute(sql`
      with updated as (
        insert into spotify_budget (id, paused_until, updated_at)
        values (${BUDGET_ROW}, ${until.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
        on conflict (id) do update set
          paused_until = greatest(spotify_budget.paused_until, excluded.paused_until),
          updated_at = excluded.updated_at
        returning paused_until
      )
      select pg_notify(${SPOTIFY_BUDGET_CHANNEL}, (extract(epoch from paused_until) * 1000)::bigint::text)
      from updated`);
    this.#logger.warn(
      { pausedUntil: new Date(this.#pausedUntilMs).toISOString(), retryAfterMs },
      "Spotify rate limited us: pausing every worker",
    );
  }

  async #subscribe(): Promise<void> {
    try {
      this.#unlisten = await this.#database.listen(SPOTIFY_BUDGET_CHANNEL, (payload) => {
        const until = Number(payload);
        if (Number.isFinite(until)) this.#pausedUntilMs = Math.max(this.#pausedUntilMs, until);
      });
    } catch (error) {
      // Without the broadcast the stored pause still holds: it is read before every request instead.
      this.#logger.warn(
        { err: error },
        "cannot listen for Spotify pauses: reading the stored pause per request",
      );
    }
    await this.#readStoredPause();
  }

  async #readStoredPause(): Promise<void> {
    const rows = rowsOf<{ paused_until_ms: number | string | null }>(
      await this.#database.db.execute(sql`
        select (extract(epoch from paused_until) * 1000)::float8 as paused_until_ms
        from spotify_budget where id = ${BUDGET_ROW}`),
    );
    const stored = Number(rows[0]?.paused_until_ms ?? 0);
    if (Number.isFinite(stored)) this.#pausedUntilMs = Math.max(this.#pausedUntilMs, stored);
  }

  /** Takes the next slot of the shared rate (never before the stored pause ends); its time in epoch ms. */
  async #takeSlot(nowMs: number): Promise<number> {
    const slotMs = this.#slotMs ?? 0;
    const now = new Date(nowMs).toISOString();
    const rows = rowsOf<{ next_ms: number | string; paused_ms: number | string | null }>(
      await this.#database.db.execute(sql`
        insert into spotify_budget (id, next_slot_at, updated_at)
        values (${BUDGET_ROW}, ${now}::timestamptz + ${slotMs} * interval '1 millisecond', ${now}::timestamptz)
        on conflict (id) do update set
          next_slot_at = greatest(spotify_budget.next_slot_at, excluded.updated_at, spotify_budget.paused_until)
            + ${slotMs} * interval '1 millisecond',
          updated_at = excluded.updated_at
        returning (extract(epoch from next_slot_at) * 1000)::float8 as next_ms,
          (extract(epoch from paused_until) * 1000)::float8 as paused_ms`),
    );
    const row = rows[0];
    if (!row) throw new Error("the Spotify budget row could not be written");
    if (row.paused_ms !== null) this.#pausedUntilMs = Math.max(this.#pausedUntilMs, Number(row.paused_ms));
    return Math.round(Number(row.next_ms) - slotMs);
  }
}

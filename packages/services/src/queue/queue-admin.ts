import { type Database, rowsOf } from "@unwrapped/db";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { ConflictError, NotFoundError } from "../errors.js";
import { QUEUE_CHANNEL, STATUS_CHANNEL } from "./channels.js";
import { statusEventPayload, statusEventReturning } from "./status-event.js";
import type { LiveWorker, WorkerRegistry } from "./worker-registry.js";

export interface QueueSummary {
  readonly counts: Record<"pending" | "processing" | "completed" | "failed", number>;
  readonly oldestPending: {
    readonly analysisId: string;
    readonly createdAt: Date;
    readonly ageSeconds: number;
  } | null;
  readonly workers: readonly LiveWorker[];
}

export interface FailedAnalysis {
  readonly analysisId: string;
  readonly userId: string;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly attempts: number;
  readonly failedAt: Date | null;
}

export const CANCELLED_CODE = "CANCELLED";
const CANCELLED_MESSAGE = "An operator cancelled this analysis. Start a new one when you like.";

function iso(date: Date): string {
  return date.toISOString();
}

/**
 * What an operator does to the queue (`unwrapped admin …`), under the queue's own rules: every change is
 * one guarded statement that NOTIFYs like a worker's transition. Retrying puts a failed analysis back to
 * pending (fresh attempts), unless its listener already has an active one (one per listener). Cancelling
 * fails a pending or processing analysis and clears its lease: a worker running it finds out at its next
 * guarded write (zero rows changed) and drops its work, so nothing completes after a cancel.
 */
export class QueueAdmin {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #workers: WorkerRegistry;
  readonly #logger: Logger;

  constructor(dependencies: { db: Database; clock: Clock; workers: WorkerRegistry; logger: Logger }) {
    this.#db = dependencies.db;
    this.#clock = dependencies.clock;
    this.#workers = dependencies.workers;
    this.#logger = dependencies.logger;
  }

  async summary(): Promise<QueueSummary> {
    const now = this.#clock.now();
    const counts = { pending: 0, processing: 0, completed: 0, failed: 0 };
    const grouped = rowsOf<{ status: keyof typeof counts; count: number | string }>(
      await this.#db.execute(sql`select status, count(*) as count from analyses group by status`),
    );
    for (const row of grouped) counts[row.status] = Number(row.count);
    const [oldest] = rowsOf<{ id: string; created_at: string | Date }>(
      await this.#db.execute(sql`
        select id, created_at from analyses where status = 'pending' order by created_at, id limit 1`),
    );
    const oldestAt = oldest ? new Date(oldest.created_at) : null;
    return {
      counts,
      oldestPending:
        oldest && oldestAt
          ? {
              analysisId: oldest.id,
              createdAt: oldestAt,
              ageSeconds: Math.max(0, Math.round((now.getTime() - oldestAt.getTime()) / 1000)),
            }
          : null,
      workers: await this.#workers.live(),
    };
  }

  /** Failed analyses, newest first; with `since`, only those that failed at or after it. */
  async failed(
    options: { since?: Date | undefined; limit?: number | undefined } = {},
  ): Promise<FailedAnalysis[]> {
    const since = options.since ? sql`and completed_at >= ${iso(options.since)}::timestamptz` : sql``;
    const rows = rowsOf<{
      id: string;
      user_id: string;
      error_code: string | null;
      error_message: string | null;
      attempts: number;
      completed_at: string | Date | null;
    }>(
      await this.#db.execute(sql`
        select id, user_id, error_code, error_message, attempts, completed_at from analyses
        where status = 'failed' ${since}
        order by completed_at desc nulls last, id limit ${options.limit ?? 100}`),
    );
    return rows.map((row) => ({
      analysisId: row.id,
      userId: row.user_id,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      attempts: Number(row.attempts),
      failedAt: row.completed_at ? new Date(row.completed_at) : null,
    }));
  }

  /** A failed analysis back to pending with fresh attempts. */
  async retry(analysisId: string): Promise<void> {
    const [row] = await this.#lookup(analysisId);
    if (!row) throw new NotFoundError("No analysis with this id was found.");
    if (row.status !== "failed") {
      throw new ConflictError(`This analysis is ${row.status}; only a failed analysis can be retried.`);
    }
    const retried = await this.#requeue(sql`analyses.id = ${analysisId}`);
    if (retried === 0) {
      throw new ConflictError(
        "This listener already has an analysis pending or running (or it changed meanwhile); it was not retried.",
      );
    }
    this.#logger.info({ action: "retry", analysisId }, "operator retried a failed analysis");
  }

  /**
   * Every failed analysis (each listener's latest, and only where the listener has none active), with
   * `since`, those that failed since then. Returns how many went back to pending.
   */
  async retryAllFailed(options: { since?: Date | undefined } = {}): Promise<number> {
    const since = options.since ? sql`and completed_at >= ${iso(options.since)}::timestamptz` : sql``;
    const retried = await this.#requeue(sql`analyses.id in (
      select distinct on (user_id) id from analyses where status = 'failed' ${since}
      order by user_id, created_at desc, id desc)`);
    this.#logger.info(
      { action: "retry-all-failed", retried, since: options.since?.toISOString() },
      "operator retried failed analyses",
    );
    return retried;
  }

  /** Fails a pending or processing analysis with CANCELLED; its worker, if any, drops it. */
  async cancel(analysisId: string): Promise<{ wasRunning: boolean }> {
    const now = this.#clock.now();
    const [before] = await this.#lookup(analysisId);
    if (!before) throw new NotFoundError("No analysis with this id was found.");
    const result = await this.#db.execute(sql`
      with updated as (
        update analyses set status = 'failed', error_code = ${CANCELLED_CODE}, error_message = ${CANCELLED_MESSAGE},
          completed_at = ${iso(now)}::timestamptz, locked_by = null, lease_token = null, locked_until = null,
          version = version + 1, updated_at = ${iso(now)}::timestamptz
        where id = ${analysisId} and status in ('pending', 'processing')
        returning ${statusEventReturning}
      )
      select pg_notify(${STATUS_CHANNEL}, ${statusEventPayload}) from updated`);
    if (rowsOf(result).length === 0) {
      const state = before.status === "completed" || before.status === "failed" ? before.status : "finished";
      throw new ConflictError(`This analysis has already ${state}; there is nothing to cancel.`);
    }
    const wasRunning = before.status === "processing";
    this.#logger.info({ action: "cancel", analysisId, wasRunning }, "operator cancelled an analysis");
    return { wasRunning };
  }

  async #lookup(analysisId: string) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(analysisId)) return [];
    return rowsOf<{ status: string }>(
      await this.#db.execute(sql`select status from analyses where id = ${analysisId}`),
    );
  }

  /** Failed rows matching `which` back to pending, skipping listeners with an active analysis. */
  async #requeue(which: ReturnType<typeof sql>): Promise<number> {
    const now = this.#clock.now();
    const result = await this.#db.execute(sql`
      with updated as (
        update analyses set status = 'pending', stage = 'queued', progress = 0, attempts = 0,
          run_after = ${iso(now)}::timestamptz, error_code = null, error_message = null, completed_at = null,
          locked_by = null, lease_token = null, locked_until = null,
          version = version + 1, updated_at = ${iso(now)}::timestamptz
        where ${which} and analyses.status = 'failed'
          and not exists (select 1 from analyses active where active.user_id = analyses.user_id
            and active.status in ('pending', 'processing'))
        returning ${statusEventReturning}
      )
      select pg_notify(${STATUS_CHANNEL}, ${statusEventPayload}), pg_notify(${QUEUE_CHANNEL}, updated.id::text)
      from updated`);
    return rowsOf(result).length;
  }
}

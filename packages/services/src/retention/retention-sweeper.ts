import { type Database, rowsOf } from "@unwrapped/db";
import { type SQL, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";

export interface SweepCounts {
  oauthStates: number;
  loginCodes: number;
  sessions: number;
  analyses: number;
}

/** Rows one statement deletes at most: short statements, short locks, however much piled up. */
const DEFAULT_BATCH_SIZE = 500;
const DAY_MS = 86_400_000;
/** How often the server and each worker sweep (a sweep with nothing to delete is a few index probes). */
export const RETENTION_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes what is no longer needed: OAuth states and login codes once used or expired, sessions
 * (refresh tokens) once expired, and — when ANALYSIS_RETENTION_DAYS is set — analyses older than that,
 * except each user's latest analysis and latest verdict. Each table is swept in batches found through an
 * index (expires_at, created_at) and locked with FOR UPDATE SKIP LOCKED, so any number of processes
 * can sweep at once: each deletes rows the others are not deleting, and together exactly the rows due.
 */
export class RetentionSweeper {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #analysisRetentionDays: number | null;
  readonly #batchSize: number;

  constructor(dependencies: {
    db: Database;
    clock: Clock;
    logger: Logger;
    analysisRetentionDays: number | null;
    batchSize?: number | undefined;
  }) {
    this.#db = dependencies.db;
    this.#clock = dependencies.clock;
    this.#logger = dependencies.logger;
    this.#analysisRetentionDays = dependencies.analysisRetentionDays;
    this.#batchSize = dependencies.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  async sweep(): Promise<SweepCounts> {
    const now = sql`${this.#clock.now().toISOString()}::timestamptz`;
    const counts: SweepCounts = {
      oauthStates: await this.#inBatches(
        "oauth_states",
        "state",
        sql`expires_at < ${now} or consumed_at is not null`,
      ),
      loginCodes: await this.#inBatches(
        "login_codes",
        "code_hash",
        sql`expires_at < ${now} or consumed_at is not null`,
      ),
      sessions: await this.#inBatches("sessions", "id", sql`expires_at < ${now}`),
      analyses: 0,
    };
    if (this.#analysisRetentionDays !== null) {
      const cutoff = new Date(
        this.#clock.now().getTime() - this.#analysisRetentionDays * DAY_MS,
      ).toISOString();
      // Old and finished, and neither the user's latest analysis nor their latest verdict. Deleting rows
      // never changes which rows are the latest, so concurrent sweeps agree on what stays.
      counts.analyses = await this.#inBatches(
        "analyses",
        "id",
        sql`created_at < ${cutoff}::timestamptz and status in ('completed', 'failed')
          and exists (select 1 from analyses newer where newer.user_id = candidate.user_id
            and (newer.created_at, newer.id) > (candidate.created_at, candidate.id))
          and (candidate.status = 'failed' or exists (select 1 from analyses newer
            where newer.user_id = candidate.user_id and newer.status = 'completed'
              and (newer.created_at, newer.id) > (candidate.created_at, candidate.id)))`,
      );
    }
    const total = counts.oauthStates + counts.loginCodes + counts.sessions + counts.analyses;
    if (total > 0) this.#logger.info({ deleted: counts }, "retention sweep deleted expired rows");
    return counts;
  }

  async #inBatches(table: string, key: string, due: SQL): Promise<number> {
    let deleted = 0;
    for (;;) {
      const rows = rowsOf(
        await this.#db.execute(sql`
          delete from ${sql.identifier(table)} where ${sql.identifier(key)} in (
            select ${sql.identifier(key)} from ${sql.identifier(table)} candidate
            where ${due}
            limit ${this.#batchSize}
            for update skip locked
          )
          returning 1`),
      );
      deleted += rows.length;
      if (rows.length < this.#batchSize) return deleted;
    }
  }
}

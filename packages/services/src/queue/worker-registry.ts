import { hostname } from "node:os";
import { type Database, workerHeartbeats } from "@unwrapped/db";
import { asc, count, eq, gte, lt } from "drizzle-orm";
import type { Clock } from "../clock.js";

/** What an operator sees of a live worker. */
export interface LiveWorker {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly running: number;
  readonly startedAt: Date;
  readonly lastSeenAt: Date;
}

/** The sentence `analysis.status` and `watch` carry while analyses wait and no worker is live. */
export const NO_WORKER_HINT =
  "No worker is running, so this analysis is waiting: start one with `pnpm worker`.";

/**
 * The worker_heartbeats table: each worker process announces itself, refreshes its row on every
 * heartbeat and deletes it on a clean exit. A row older than `staleAfterMs` (the lease: by then the
 * process's leases have run out too) is a dead process; readers ignore it and beats of live workers
 * delete it, so nothing has to run on a schedule.
 */
export class WorkerRegistry {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #staleAfterMs: number;

  constructor(dependencies: { db: Database; clock: Clock; staleAfterMs: number }) {
    this.#db = dependencies.db;
    this.#clock = dependencies.clock;
    this.#staleAfterMs = dependencies.staleAfterMs;
  }

  async announce(worker: { id: string; concurrency: number }): Promise<void> {
    const now = this.#clock.now();
    const row = {
      id: worker.id,
      host: hostname(),
      pid: process.pid,
      concurrency: worker.concurrency,
      running: 0,
      startedAt: now,
      lastSeenAt: now,
    };
    await this.#db
      .insert(workerHeartbeats)
      .values(row)
      .onConflictDoUpdate({ target: workerHeartbeats.id, set: { lastSeenAt: now, running: 0 } });
  }

  /** Refreshes the worker's row (re-creating it if it was expired meanwhile) and expires stale rows. */
  async beat(worker: { id: string; concurrency: number; running: number }): Promise<void> {
    const now = this.#clock.now();
    const updated = await this.#db
      .update(workerHeartbeats)
      .set({ lastSeenAt: now, running: worker.running })
      .where(eq(workerHeartbeats.id, worker.id))
      .returning({ id: workerHeartbeats.id });
    if (updated.length === 0) await this.announce(worker);
    await this.#db.delete(workerHeartbeats).where(lt(workerHeartbeats.lastSeenAt, this.#staleBefore(now)));
  }

  async remove(workerId: string): Promise<void> {
    await this.#db.delete(workerHeartbeats).where(eq(workerHeartbeats.id, workerId));
  }

  async liveCount(): Promise<number> {
    const [row] = await this.#db
      .select({ live: count() })
      .from(workerHeartbeats)
      .where(gte(workerHeartbeats.lastSeenAt, this.#staleBefore(this.#clock.now())));
    return Number(row?.live ?? 0);
  }

  async live(): Promise<LiveWorker[]> {
    return this.#db
      .select()
      .from(workerHeartbeats)
      .where(gte(workerHeartbeats.lastSeenAt, this.#staleBefore(this.#clock.now())))
      .orderBy(asc(workerHeartbeats.startedAt));
  }

  #staleBefore(now: Date): Date {
    return new Date(now.getTime() - this.#staleAfterMs);
  }
}

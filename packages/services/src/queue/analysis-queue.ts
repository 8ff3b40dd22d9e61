import { analyses, type Database, rowsOf, type VerdictTone } from "@unwrapped/db";
import { and, eq, sql } from "drizzle-orm";
import type { StoredResult } from "../analysis/persister.js";
import { type AnalysisStatusRow, statusColumns } from "../analysis/views.js";
import type { Clock } from "../clock.js";
import { QUEUE_CHANNEL, STATUS_CHANNEL } from "./channels.js";
import { type StatusEvent, statusEventPayload, statusEventReturning } from "./status-event.js";

export interface QueueSettings {
  readonly leaseSeconds: number;
  readonly maxAttempts: number;
  /** Backoff before retry n is a random delay in [base·2^(n-1)/2, base·2^(n-1)], capped. */
  readonly retryBaseSeconds?: number;
  readonly retryMaxSeconds?: number;
}

/** A task a worker holds: every write it makes is guarded by `leaseToken`. */
export interface ClaimedTask {
  readonly id: string;
  readonly userId: string;
  /** The listener's display name, read with the claim for the judge's personal touch. */
  readonly displayName: string | null;
  /** The voice the listener asked for. */
  readonly tone: VerdictTone;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly leaseToken: string;
}

export interface TaskError {
  readonly code: string;
  readonly message: string;
}

/** How often claiming also fails tasks abandoned by workers that kept dying (a cheap, rare sweep). */
const ABANDONED_SWEEP_INTERVAL_MS = 5_000;

/** Dates go into raw SQL as ISO strings: drizzle's postgres.js driver passes parameters through as text. */
function iso(date: Date): string {
  return date.toISOString();
}

/**
 * The analyses table as a durable queue (like Oban, River or Solid Queue). Every transition is one
 * statement that updates the row and NOTIFYs its new status in the same transaction, so watchers and
 * workers hear about exactly what was committed. Writes of a worker are guarded by id, status and lease
 * token: a worker whose lease was taken over changes zero rows and learns it must drop its work.
 */
export class AnalysisQueue {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #settings: Required<QueueSettings>;
  readonly #random: () => number;
  #lastAbandonedSweep = Number.NEGATIVE_INFINITY;

  constructor(dependencies: { db: Database; clock: Clock; settings: QueueSettings; random?: () => number }) {
    this.#db = dependencies.db;
    this.#clock = dependencies.clock;
    this.#settings = { retryBaseSeconds: 5, retryMaxSeconds: 300, ...dependencies.settings };
    this.#random = dependencies.random ?? Math.random;
  }

  /**
   * Queues a new pending analysis for the user and wakes idle workers. Undefined when the user already
   * has an active one: the partial unique index admits a single pending-or-processing analysis per user,
   * so concurrent calls create one row. Whether to queue at all is AnalysisService's decision.
   */
  async enqueue(
    userId: string,
    options: { tone?: VerdictTone } = {},
  ): Promise<AnalysisStatusRow | undefined> {
    const now = this.#clock.now();
    const [created] = await this.#db
      .insert(analyses)
      .values({
        userId,
        tone: options.tone ?? "balanced",
        maxAttempts: this.#settings.maxAttempts,
        runAfter: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({
        target: analyses.userId,
        where: sql`status in ('pending', 'processing')`,
      })
      .returning(statusColumns);
    if (created) await this.#db.execute(sql`select pg_notify(${QUEUE_CHANNEL}, ${created.id})`);
    return created;
  }

  /**
   * Claims up to `limit` tasks: pending ones that are due, and processing ones whose lease ran out (their
   * worker died). FOR UPDATE SKIP LOCKED lets any number of workers claim at once without waiting on or
   * taking each other's rows. Each claim gets a fresh lease token and counts as an attempt.
   */
  async claim(workerId: string, limit: number): Promise<ClaimedTask[]> {
    const now = this.#clock.now();
    const lockedUntil = new Date(now.getTime() + this.#settings.leaseSeconds * 1000);
    if (now.getTime() - this.#lastAbandonedSweep >= ABANDONED_SWEEP_INTERVAL_MS) {
      await this.#failAbandoned(now);
      this.#lastAbandonedSweep = now.getTime();
    }
    const result = await this.#db.execute(sql`
      with candidates as (
        select id from analyses
        where (status = 'pending' and run_after <= ${iso(now)}::timestamptz)
           or (status = 'processing' and locked_until < ${iso(now)}::timestamptz and attempts < max_attempts)
        order by run_after, created_at
        limit ${limit}
        for update skip locked
      ), updated as (
        update analyses set
          status = 'processing', stage = 'queued', progress = 0, attempts = attempts + 1,
          locked_by = ${workerId}, lease_token = gen_random_uuid(), locked_until = ${iso(lockedUntil)}::timestamptz,
          started_at = coalesce(started_at, ${iso(now)}::timestamptz), error_code = null, error_message = null,
          version = version + 1, updated_at = ${iso(now)}::timestamptz
        from candidates where analyses.id = candidates.id
        returning ${statusEventReturning}, analyses.max_attempts, analyses.lease_token, analyses.tone
      )
      select updated.id, updated.attempts, updated.max_attempts, updated.lease_token, updated.tone,
        users.id as user_id, users.display_name, pg_notify(${STATUS_CHANNEL}, ${statusEventPayload})
      from updated join users on users.id = updated."userId"`);
    return rowsOf<{
      id: string;
      user_id: string;
      attempts: number;
      max_attempts: number;
      lease_token: string;
      tone: VerdictTone;
      display_name: string | null;
    }>(result).map((row) => ({
      id: row.id,
      userId: row.user_id,
      displayName: row.display_name,
      tone: row.tone,
      attempts: Number(row.attempts),
      maxAttempts: Number(row.max_attempts),
      leaseToken: row.lease_token,
    }));
  }

  /** Extends the lease; false when it was lost (the task was taken over or finished elsewhere). */
  async heartbeat(task: ClaimedTask): Promise<boolean> {
    const now = this.#clock.now();
    const lockedUntil = new Date(now.getTime() + this.#settings.leaseSeconds * 1000);
    const updated = await this.#db
      .update(analyses)
      .set({ lockedUntil, updatedAt: now })
      .where(this.#held(task))
      .returning({ id: analyses.id });
    return updated.length === 1;
  }

  /** Records the stage and progress the task reached. False when the lease was lost. */
  async advance(task: ClaimedTask, stage: StatusEvent["stage"], progress: number): Promise<boolean> {
    return this.#transition(task, sql`stage = ${stage}, progress = ${progress}`);
  }

  /**
   * Publishes the verdict's text so far (an LLM writing it): stored on the row and announced with the
   * status, so watchers in every process see it grow. Bounded to DRAFT_MAX_BYTES so the NOTIFY payload
   * stays under PostgreSQL's 8000 bytes; a longer draft keeps its tail (the words just written). Every
   * other transition clears the draft. False when the lease was lost.
   */
  async publishDraft(task: ClaimedTask, draft: string): Promise<boolean> {
    return this.#transition(task, sql`draft = ${boundedDraft(draft)}`, { keepDraft: true });
  }

  /**
   * Completes the task with the result the Persister hands over, in one statement (so in one
   * transaction). False when the lease was lost: the result is dropped and the task stays with its new
   * owner, so it never completes twice.
   */
  async complete(task: ClaimedTask, result: StoredResult): Promise<boolean> {
    const now = this.#clock.now();
    return this.#transition(
      task,
      sql`status = 'completed', stage = 'done', progress = 1, judge = ${result.judge},
        profile = ${JSON.stringify(result.profile)}::jsonb, label = ${result.label}, description = ${result.description},
        critical_acclaim = ${result.criticalAcclaim}, mainstream = ${result.mainstream}, share_token = ${result.shareToken},
        prompt_version = ${result.promptVersion},
        completed_at = ${iso(now)}::timestamptz, locked_by = null, lease_token = null, locked_until = null`,
    );
  }

  /**
   * Back to pending after a failure that may pass (network, 5xx, 429). Waits `delayMs` when the upstream
   * said how long, else an exponential backoff with jitter. `countAttempt: false` (rate limiting, a
   * shutdown) gives the attempt back. Out of attempts, the task fails instead.
   */
  async retry(
    task: ClaimedTask,
    error: TaskError,
    options: { delayMs?: number; countAttempt?: boolean } = {},
  ) {
    const countAttempt = options.countAttempt ?? true;
    if (countAttempt && task.attempts >= task.maxAttempts) {
      return this.fail(task, {
        code: error.code,
        message: `${error.message} Gave up after ${task.attempts} attempts.`,
      });
    }
    const delayMs = options.delayMs ?? this.#backoffMs(task.attempts);
    const runAfter = new Date(this.#clock.now().getTime() + delayMs);
    return this.#transition(
      task,
      sql`status = 'pending', stage = 'queued', progress = 0, run_after = ${iso(runAfter)}::timestamptz,
        attempts = attempts - ${countAttempt ? 0 : 1}, error_code = ${error.code}, error_message = ${error.message},
        locked_by = null, lease_token = null, locked_until = null`,
    );
  }

  /** Failed for good, with a message a person can read. */
  async fail(task: ClaimedTask, error: TaskError): Promise<boolean> {
    const now = this.#clock.now();
    return this.#transition(
      task,
      sql`status = 'failed', error_code = ${error.code}, error_message = ${error.message},
        completed_at = ${iso(now)}::timestamptz, locked_by = null, lease_token = null, locked_until = null`,
    );
  }

  /**
   * Gives a task back untouched (shutdown): pending again at once, the attempt not counted, and idle
   * workers woken to take it.
   */
  async release(task: ClaimedTask): Promise<boolean> {
    const now = this.#clock.now();
    const released = await this.#transition(
      task,
      sql`status = 'pending', stage = 'queued', progress = 0, run_after = ${iso(now)}::timestamptz,
        attempts = greatest(attempts - 1, 0), locked_by = null, lease_token = null, locked_until = null`,
    );
    if (released) await this.#db.execute(sql`select pg_notify(${QUEUE_CHANNEL}, ${task.id})`);
    return released;
  }

  /** The soonest moment a pending task becomes due, for a worker deciding how long to sleep. */
  async nextDueAt(): Promise<Date | null> {
    const rows = rowsOf<{ due: string | Date | null }>(
      await this.#db.execute(sql`
        select least(
          (select min(run_after) from analyses where status = 'pending'),
          (select min(locked_until) from analyses where status = 'processing' and attempts < max_attempts)
        ) as due`),
    );
    const due = rows[0]?.due;
    return due ? new Date(due) : null;
  }

  #held(task: ClaimedTask) {
    return and(
      eq(analyses.id, task.id),
      eq(analyses.status, "processing"),
      eq(analyses.leaseToken, task.leaseToken),
    );
  }

  async #transition(
    task: ClaimedTask,
    assignments: ReturnType<typeof sql>,
    options: { keepDraft?: boolean } = {},
  ): Promise<boolean> {
    const now = this.#clock.now();
    const draft = options.keepDraft ? sql`` : sql`, draft = null`;
    const result = await this.#db.execute(sql`
      with updated as (
        update analyses set ${assignments}${draft}, version = version + 1, updated_at = ${iso(now)}::timestamptz
        where id = ${task.id} and status = 'processing' and lease_token = ${task.leaseToken}
        returning ${statusEventReturning}
      )
      select pg_notify(${STATUS_CHANNEL}, ${statusEventPayload}) from updated`);
    return rowsOf(result).length === 1;
  }

  /** Tasks whose worker died on every attempt: fail them rather than retry forever. */
  async #failAbandoned(now: Date) {
    await this.#db.execute(sql`
      with updated as (
        update analyses set status = 'failed', error_code = 'ATTEMPTS_EXHAUSTED',
          error_message = 'The analysis was interrupted too many times. Please start a new one.',
          completed_at = ${iso(now)}::timestamptz, locked_by = null, lease_token = null, locked_until = null,
          draft = null, version = version + 1, updated_at = ${iso(now)}::timestamptz
        where status = 'processing' and locked_until < ${iso(now)}::timestamptz and attempts >= max_attempts
        returning ${statusEventReturning}
      )
      select pg_notify(${STATUS_CHANNEL}, ${statusEventPayload}) from updated`);
  }

  #backoffMs(attempt: number): number {
    const ceiling =
      Math.min(this.#settings.retryMaxSeconds, this.#settings.retryBaseSeconds * 2 ** (attempt - 1)) * 1000;
    return Math.round(ceiling / 2 + this.#random() * (ceiling / 2));
  }
}

/**
 * The most bytes of draft a row holds: with the other status fields (well under 1000 bytes) the NOTIFY
 * payload stays below PostgreSQL's 8000-byte limit, whatever the characters. A 400-word description
 * is about 2500 bytes, so in practice the whole draft fits.
 */
export const DRAFT_MAX_BYTES = 6000;

/** The draft, or its tail after "…" when it is longer than DRAFT_MAX_BYTES in UTF-8. */
export function boundedDraft(draft: string): string {
  if (Buffer.byteLength(draft, "utf8") <= DRAFT_MAX_BYTES) return draft;
  const characters = [...draft];
  let bytes = Buffer.byteLength("…", "utf8");
  let start = characters.length;
  while (start > 0) {
    const size = Buffer.byteLength(characters[start - 1]!, "utf8");
    if (bytes + size > DRAFT_MAX_BYTES) break;
    bytes += size;
    start--;
  }
  return `…${characters.slice(start).join("")}`;
}

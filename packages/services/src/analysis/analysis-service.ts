import { type Analysis, analyses, type Database } from "@unwrapped/db";
import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Clock, Timers } from "../clock.js";
import { NotFoundError, PreconditionFailedError, RateLimitedError, ValidationError } from "../errors.js";
import type { Metrics } from "../metrics/metrics.js";
import type { AnalysisQueue } from "../queue/analysis-queue.js";
import type { StatusEvent } from "../queue/status-event.js";
import type { HubEvent, StatusHub } from "../queue/status-hub.js";
import { NO_WORKER_HINT, type WorkerRegistry } from "../queue/worker-registry.js";
import { type StandingsService, standingsValuesOf } from "../standings/standings-service.js";
import { isPgTimestamp, isUuid } from "../validation.js";
import { AnalysisLookups } from "./analysis-lookups.js";
import {
  type AnalysisResult,
  type AnalysisStatus,
  DEFAULT_TONE,
  type HistoryPage,
  statusColumns,
  TERMINAL_STATUSES,
  type Tone,
  toAnalysisResult,
  toAnalysisStatus,
} from "./views.js";

export interface AnalysisServiceDependencies {
  readonly db: Database;
  readonly queue: AnalysisQueue;
  readonly hub: StatusHub;
  readonly clock: Clock;
  readonly publicUrl: string;
  /** Minimum seconds between two analyses a user asks for with `fresh`; 0 for none. */
  readonly freshCooldownSeconds: number;
  /** Where a verdict stands among all listeners; without it, results carry `standings: null`. */
  readonly standings?: StandingsService | undefined;
  /** Live workers, for the hint on a pending analysis that nobody will pick up. */
  readonly workers?: WorkerRegistry | undefined;
  /** Counts open watch streams. */
  readonly metrics?: Metrics | undefined;
  /** How often a watch of a pending analysis re-checks for live workers (and the timers to wait on). */
  readonly hintRecheck?: { readonly intervalMs: number; readonly timers: Timers } | undefined;
}

/** A status to send to a watcher, with its event id (the row version) for resuming. */
export interface WatchEvent {
  readonly id: string;
  readonly status: AnalysisStatus;
}

/**
 * What a signed-in user can ask about their analyses. Another user's analysis id answers NOT_FOUND,
 * exactly like one that does not exist, so ids reveal nothing.
 */
export class AnalysisService {
  readonly #db: Database;
  readonly #queue: AnalysisQueue;
  readonly #hub: StatusHub;
  readonly #clock: Clock;
  readonly #publicUrl: string;
  readonly #freshCooldownSeconds: number;
  readonly #lookups: AnalysisLookups;
  readonly #standings: StandingsService | undefined;
  readonly #workers: WorkerRegistry | undefined;
  readonly #hintRecheck: AnalysisServiceDependencies["hintRecheck"];
  readonly #metrics: Metrics | undefined;

  constructor(dependencies: AnalysisServiceDependencies) {
    this.#db = dependencies.db;
    this.#lookups = new AnalysisLookups(dependencies.db);
    this.#queue = dependencies.queue;
    this.#hub = dependencies.hub;
    this.#clock = dependencies.clock;
    this.#publicUrl = dependencies.publicUrl;
    this.#freshCooldownSeconds = dependencies.freshCooldownSeconds;
    this.#standings = dependencies.standings;
    this.#workers = dependencies.workers;
    this.#hintRecheck = dependencies.hintRecheck;
    this.#metrics = dependencies.metrics;
  }

  /**
   * Idempotent start: the user's active analysis if there is one; else (unless `fresh`) the latest
   * completed one, when it is in the tone asked for (or no tone was asked for); else a new pending
   * analysis in that tone. A new analysis the user forces — `fresh`, or another tone than their latest
   * verdict's — is allowed once per cooldown, so switching tones cannot bypass it. Concurrent calls
   * converge on one row: the queue creates at most one active analysis per user, and a call that lost
   * the race returns the winner's.
   */
  async begin(
    userId: string,
    options: { fresh?: boolean | undefined; tone?: Tone | undefined } = {},
  ): Promise<AnalysisStatus> {
    return this.#withHint(await this.#begin(userId, options));
  }

  async #begin(
    userId: string,
    options: { fresh?: boolean | undefined; tone?: Tone | undefined },
  ): Promise<AnalysisStatus> {
    const active = await this.#lookups.active(userId);
    if (active) return toAnalysisStatus(active);
    const completed = await this.#lookups.latestCompleted(userId);
    const reusable = completed && (options.tone === undefined || completed.tone === options.tone);
    if (reusable && !options.fresh) return toAnalysisStatus(completed);
    if (completed || options.fresh) await this.#enforceFreshCooldown(userId);
    const created = await this.#queue.enqueue(userId, { tone: options.tone ?? DEFAULT_TONE });
    if (created) return toAnalysisStatus(created);
    const winner = await this.#lookups.active(userId);
    if (!winner) throw new Error("An analysis was started concurrently but cannot be found");
    return toAnalysisStatus(winner);
  }

  async status(userId: string, analysisId?: string): Promise<AnalysisStatus> {
    const row = await this.#lookups.status(userId, analysisId);
    if (!row) throw notFound(analysisId);
    return this.#withHint(toAnalysisStatus(row));
  }

  /** A pending analysis with no live worker to take it says so, instead of sitting at 0 % forever. */
  async #withHint<Status extends AnalysisStatus>(status: Status): Promise<Status> {
    if (status.status !== "pending" || !this.#workers) return status;
    return (await this.#workers.liveCount()) === 0 ? { ...status, hint: NO_WORKER_HINT } : status;
  }

  /**
   * The verdict of `analysisId`, or by default of the user's latest completed analysis (so a new one
   * running does not hide the last verdict).
   */
  async result(userId: string, analysisId?: string): Promise<AnalysisResult> {
    if (analysisId) {
      const row = await this.#lookups.byId(userId, analysisId);
      if (!row) throw notFound(analysisId);
      if (row.status !== "completed") throw notReady(row.status);
      return this.#resultOf(row);
    }
    const completed = await this.#lookups.latestCompleted(userId);
    if (completed) return this.#resultOf(completed);
    const latest = await this.#lookups.status(userId);
    throw latest ? notReady(latest.status) : notFound(undefined);
  }

  /** Newest first, keyset-paginated on (created_at, id) so pages stay stable while analyses are added. */
  async history(
    userId: string,
    options: { cursor?: string | undefined; limit?: number | undefined } = {},
  ): Promise<HistoryPage> {
    const limit = options.limit ?? 20;
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await this.#db
      .select(statusColumns)
      .from(analyses)
      .where(
        and(
          eq(analyses.userId, userId),
          after
            ? or(
                lt(analyses.createdAt, after.createdAt),
                and(eq(analyses.createdAt, after.createdAt), lt(analyses.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(analyses.createdAt), desc(analyses.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toAnalysisStatus),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /**
   * Status changes of one analysis as they are committed: the current status first (unless the watcher
   * already has it, per `lastEventId`), then one event per change, ending after a terminal status.
   * Driven by NOTIFY through the hub; the row is re-read only on start and after a reconnect.
   */
  async *watch(
    userId: string,
    options: {
      analysisId?: string | undefined;
      lastEventId?: string | null | undefined;
      signal?: AbortSignal | undefined;
    },
  ): AsyncGenerator<WatchEvent> {
    const target = await this.#lookups.status(userId, options.analysisId);
    if (!target) throw notFound(options.analysisId);
    const pending: HubEvent[] = [];
    let notify: (() => void) | undefined;
    const unsubscribe = await this.#hub.subscribe(target.id, (event) => {
      pending.push(event);
      notify?.();
    });
    const closeStream = this.#metrics?.watchOpened();
    const aborted = new Promise<void>((resolve) => {
      if (options.signal?.aborted) resolve();
      options.signal?.addEventListener("abort", () => resolve(), { once: true });
    });
    try {
      let lastVersion = Number(options.lastEventId ?? 0) || 0;
      let lastHint: string | null = null;
      let current: StatusEvent | (AnalysisStatus & { version: number }) = await this.#read(target.id);
      while (true) {
        const withHint = await this.#withHint(current);
        if (current.version > lastVersion || withHint.hint !== lastHint) {
          lastVersion = current.version;
          lastHint = withHint.hint;
          yield { id: String(current.version), status: stripVersion(withHint) };
        }
        if (TERMINAL_STATUSES.includes(current.status)) return;
        // While pending, wake now and then to notice workers coming or going (the hint), not only rows.
        const recheck = current.status === "pending" ? this.#recheckTimer(options.signal) : undefined;
        try {
          while (pending.length === 0) {
            if (options.signal?.aborted) return;
            const woken = await Promise.race([
              new Promise<"event">((resolve) => (notify = () => resolve("event"))),
              aborted.then(() => "aborted" as const),
              ...(recheck ? [recheck.elapsed] : []),
            ]);
            notify = undefined;
            if (woken === "recheck") break;
          }
        } finally {
          recheck?.cancel();
        }
        const event = pending.shift();
        if (event !== undefined) current = event === "resync" ? await this.#read(target.id) : event;
      }
    } finally {
      unsubscribe();
      closeStream?.();
    }
  }

  async #resultOf(row: Analysis): Promise<AnalysisResult> {
    const standings = this.#standings ? await this.#standings.of(row.userId, standingsValuesOf(row)) : null;
    return toAnalysisResult(row, this.#publicUrl, standings);
  }

  #recheckTimer(signal: AbortSignal | undefined) {
    if (!this.#hintRecheck || !this.#workers) return undefined;
    const cancelled = new AbortController();
    const both = signal ? AbortSignal.any([signal, cancelled.signal]) : cancelled.signal;
    const elapsed = this.#hintRecheck.timers.sleep(this.#hintRecheck.intervalMs, both).then(
      () => "recheck" as const,
      () => new Promise<never>(() => {}), // cancelled: never wins the race
    );
    return { elapsed, cancel: () => cancelled.abort() };
  }

  async #enforceFreshCooldown(userId: string): Promise<void> {
    const cooldownMs = this.#freshCooldownSeconds * 1000;
    if (cooldownMs <= 0) return;
    const latest = await this.#lookups.status(userId);
    if (!latest) return;
    const waitMs = latest.createdAt.getTime() + cooldownMs - this.#clock.now().getTime();
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new RateLimitedError(
        `You can start a fresh analysis once every ${this.#freshCooldownSeconds} s. Try again in ${seconds} s.`,
        seconds,
      );
    }
  }

  async #read(analysisId: string) {
    const row = await this.#lookups.statusWithVersion(analysisId);
    if (!row) throw new NotFoundError("This analysis no longer exists.");
    return { ...toAnalysisStatus(row), version: row.version };
  }
}

function stripVersion(status: AnalysisStatus & { version: number; userId?: string }): AnalysisStatus {
  const { version: _version, userId: _userId, ...rest } = status;
  return rest;
}

function notFound(analysisId: string | undefined): NotFoundError {
  return new NotFoundError(
    analysisId
      ? "No analysis with this id was found."
      : "You have no analyses yet. Start one with analysis.begin.",
  );
}

function notReady(status: AnalysisStatus["status"]): PreconditionFailedError {
  return new PreconditionFailedError(
    status === "failed"
      ? "This analysis failed, so it has no verdict. Start a new one."
      : `This analysis is still ${status}; its verdict is not ready yet.`,
  );
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!isUuid(id) || !isPgTimestamp(createdAt)) {
    throw new ValidationError("The cursor is not valid; use nextCursor from a previous page.");
  }
  return { createdAt, id };
}

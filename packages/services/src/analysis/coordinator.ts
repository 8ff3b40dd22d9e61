import { isDatabaseUnavailable } from "@unwrapped/db";
import type { Logger } from "pino";
import type { Clock, Timers } from "../clock.js";
import {
  ReauthorizationRequiredError,
  SpotifyQuotaExceededError,
  SpotifyUserNotRegisteredError,
  UpstreamError,
} from "../errors.js";
import type { Metrics, PipelineStep } from "../metrics/metrics.js";
import type { AnalysisQueue, ClaimedTask } from "../queue/analysis-queue.js";
import type { Collector } from "./collector.js";
import { DraftPublisher } from "./draft-publisher.js";
import type { Persister } from "./persister.js";
import type { Profiler } from "./profiler.js";
import type { TokenService } from "./token-service.js";
import type { Judge } from "./types.js";

/** How long recording a failure may wait for the database to come back. */
const PERSIST_BUDGET_MS = 30_000;

export type TaskOutcome = "completed" | "retrying" | "failed" | "lost" | "released";

/** Progress shown when each stage starts. */
export const STAGE_PROGRESS = { collecting: 0.1, profiling: 0.6, judging: 0.7, saving: 0.9 } as const;

export interface CoordinatorDependencies {
  readonly queue: AnalysisQueue;
  readonly tokens: TokenService;
  readonly collector: Collector;
  readonly profiler: Profiler;
  readonly judge: Judge;
  readonly persister: Persister;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Waits between tries of a write the database could not take. */
  readonly timers: Timers;
  readonly metrics?: Metrics | undefined;
  /** Whether an LLM judge is configured: a rules verdict is then a fallback. */
  readonly llmConfigured?: boolean | undefined;
}

class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

/**
 * Runs one claimed analysis: token -> collect -> profile -> judge -> save, recording the stage and
 * progress on the row (each write NOTIFYs watchers) and deciding what a failure means: retry later,
 * fail with a readable message, or — when the lease was lost — drop everything silently.
 * No database transaction is open while Spotify or the LLM is called.
 */
export class Coordinator {
  readonly #deps: CoordinatorDependencies;

  constructor(dependencies: CoordinatorDependencies) {
    this.#deps = dependencies;
  }

  async run(task: ClaimedTask, signal: AbortSignal = new AbortController().signal): Promise<TaskOutcome> {
    const { queue, tokens, collector, profiler, judge, persister, logger, metrics, clock } = this.#deps;
    const advance = async (stage: keyof typeof STAGE_PROGRESS) => {
      if (signal.aborted) throw signal.reason;
      if (!(await queue.advance(task, stage, STAGE_PROGRESS[stage]))) throw new LeaseLostError();
    };
    const timed = async <Result>(step: PipelineStep, work: () => Promise<Result> | Result) => {
      const startedAt = clock.now().getTime();
      try {
        return await work();
      } finally {
        metrics?.stepFinished(step, clock.now().getTime() - startedAt);
      }
    };
    try {
      await advance("collecting");
      const data = await timed("collecting", () =>
        collector.collect(
          (options) =>
            timed("token", () =>
              tokens.accessToken(task.userId, options?.staleToken ? { staleToken: options.staleToken } : {}),
            ),
          signal,
        ),
      );
      await advance("profiling");
      const profile = await timed("profiling", () => profiler.profile(data));
      await advance("judging");
      // The growing draft of an LLM verdict goes to watchers; it must be written before the next stage.
      const drafts = new DraftPublisher((draft) => queue.publishDraft(task, draft), this.#deps.clock);
      const verdict = await timed("judging", () =>
        judge
          .judge(profile, { displayName: task.displayName, tone: task.tone, signal, onDraft: drafts.offer })
          .finally(() => drafts.settled()),
      );
      metrics?.judged(
        verdict.judge === "llm"
          ? "llm"
          : this.#deps.llmConfigured && profile.enoughData
            ? "fallback"
            : "rules",
      );
      await advance("saving");
      const saved = await timed("saving", () => persister.save(task, profile, verdict));
      if (!saved) throw new LeaseLostError();
      return "completed";
    } catch (error) {
      return this.#handleFailure(task, error, signal, logger);
    }
  }

  async #handleFailure(
    task: ClaimedTask,
    error: unknown,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<TaskOutcome> {
    const { queue } = this.#deps;
    if (error instanceof LeaseLostError) {
      logger.warn(
        { analysisId: task.id },
        "lease lost: another worker owns this analysis now; dropping the result",
      );
      return "lost";
    }
    if (signal.aborted) {
      return (await this.#persistently(() => queue.release(task))) ? "released" : "lost";
    }
    const [outcome, write] = this.#decide(task, error, logger);
    return (await this.#persistently(write)) ? outcome : "lost";
  }

  /** What a failure means for the task: the outcome, and the write that records it. */
  #decide(task: ClaimedTask, error: unknown, logger: Logger): [TaskOutcome, () => Promise<boolean>] {
    const { queue } = this.#deps;
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error, analysisId: task.id }, "database unavailable during an analysis");
      return [
        "retrying",
        () =>
          queue.retry(task, {
            code: "SERVICE_UNAVAILABLE",
            message: "Our database was briefly unavailable; your analysis will resume shortly.",
          }),
      ];
    }
    if (error instanceof ReauthorizationRequiredError) {
      return [
        "failed",
        () =>
          queue.fail(task, {
            code: "SPOTIFY_REAUTHORIZATION_REQUIRED",
            message:
              "Spotify access has expired or was revoked. Sign in with Spotify again, then start a new analysis.",
          }),
      ];
    }
    if (error instanceof SpotifyUserNotRegisteredError) {
      return [
        "failed",
        () => queue.fail(task, { code: "SPOTIFY_USER_NOT_REGISTERED", message: error.message }),
      ];
    }
    if (error instanceof SpotifyQuotaExceededError) {
      return [
        "failed",
        () =>
          queue.fail(task, {
            code: "SPOTIFY_QUOTA_EXCEEDED",
            message: "This app has used up its Spotify request quota for now. Start a new analysis later.",
          }),
      ];
    }
    if (error instanceof UpstreamError && !error.retryable) {
      return [
        "failed",
        () =>
          queue.fail(task, {
            code: "SPOTIFY_ERROR",
            message: `Spotify refused to share your listening data: ${error.message}.`,
          }),
      ];
    }
    if (error instanceof UpstreamError) {
      const reason =
        error.status === 429
          ? {
              code: "SPOTIFY_RATE_LIMITED",
              message: "Spotify asked us to slow down; your analysis will resume shortly.",
            }
          : {
              code: "SPOTIFY_UNAVAILABLE",
              message: "Spotify could not be reached; we will try again shortly.",
            };
      const delay = error.retryAfterMs !== undefined ? { delayMs: error.retryAfterMs } : {};
      return ["retrying", () => queue.retry(task, reason, delay)];
    }
    logger.error({ err: error, analysisId: task.id }, "analysis failed unexpectedly");
    return [
      "retrying",
      () =>
        queue.retry(task, {
          code: "INTERNAL_ERROR",
          message: "Something went wrong on our side while analysing; we will try again shortly.",
        }),
    ];
  }

  /**
   * Retries a write the database could not take right now (an outage, a restart), with backoff, for up
   * to PERSIST_BUDGET_MS, so after a short outage a task goes back to the queue at once instead of
   * sitting out its whole lease. Other errors, and a longer outage, propagate.
   */
  async #persistently(write: () => Promise<boolean>): Promise<boolean> {
    const { clock, timers } = this.#deps;
    const deadline = clock.now().getTime() + PERSIST_BUDGET_MS;
    for (let delay = 250; ; delay = Math.min(delay * 2, 4_000)) {
      try {
        return await write();
      } catch (error) {
        if (!isDatabaseUnavailable(error) || clock.now().getTime() + delay > deadline) throw error;
        await timers.sleep(delay);
      }
    }
  }
}

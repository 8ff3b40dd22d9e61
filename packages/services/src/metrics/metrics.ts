import { type Database, rowsOf } from "@unwrapped/db";
import { sql } from "drizzle-orm";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { TaskOutcome } from "../analysis/coordinator.js";
import type { Clock } from "../clock.js";
import type { RequestOutcome } from "../http/retry.js";
import type { WorkerRegistry } from "../queue/worker-registry.js";

/** How long one reading of the queue's gauges serves scrapes: a scrape every second costs one query per 5 s. */
const QUEUE_READING_TTL_MS = 5_000;

const STEPS = ["token", "collecting", "profiling", "judging", "saving"] as const;
export type PipelineStep = (typeof STEPS)[number];
export type JudgeOutcome = "llm" | "rules" | "fallback";

interface QueueReading {
  readonly at: number;
  readonly active: readonly { status: string; stage: string; count: number }[];
  readonly oldestPendingAgeSeconds: number;
  readonly liveWorkers: number;
}

/**
 * The Prometheus metrics of one process (server or worker), on a registry of its own. The queue's
 * gauges (analyses by status and stage, the oldest pending analysis, live workers) are read from the
 * database when scraped, at most once per QUEUE_READING_TTL_MS, and only over active rows, which the
 * partial index on pending-or-processing analyses holds; finished analyses are counted as they finish.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #httpRequests: Counter<"method" | "route" | "status">;
  readonly #httpDuration: Histogram<"method" | "route" | "status">;
  readonly #analysesFinished: Counter<"outcome">;
  readonly #analysisDuration: Histogram<"outcome">;
  readonly #stepDuration: Histogram<"step">;
  readonly #spotifyRequests: Counter<"endpoint" | "outcome">;
  readonly #spotifyRetryAfter: Histogram;
  readonly #spotifyBudgetWait: Histogram;
  readonly #judgeOutcomes: Counter<"judge">;
  readonly #watchStreams: Gauge;
  #reading: Promise<QueueReading> | undefined;

  constructor(dependencies: { db: Database; clock: Clock; workers: WorkerRegistry; process: string }) {
    const { db, clock, workers } = dependencies;
    const registry = this.registry;
    registry.setDefaultLabels({ process: dependencies.process });
    // process_*, nodejs_* (nodejs_eventloop_lag_seconds among them): prom-client's defaults.
    collectDefaultMetrics({ register: registry, prefix: "unwrapped_", eventLoopMonitoringPrecision: 20 });

    this.#httpRequests = new Counter({
      name: "unwrapped_http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    });
    this.#httpDuration = new Histogram({
      name: "unwrapped_http_request_duration_seconds",
      help: "HTTP request latency by method, route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const read = () => this.#read(db, clock, workers);
    new Gauge({
      name: "unwrapped_analyses",
      help: "Active analyses by status and stage (pending and processing)",
      labelNames: ["status", "stage"],
      registers: [registry],
      async collect() {
        const reading = await read();
        this.reset();
        this.set({ status: "pending", stage: "queued" }, 0);
        this.set({ status: "processing", stage: "queued" }, 0);
        for (const row of reading.active) this.set({ status: row.status, stage: row.stage }, row.count);
      },
    });
    new Gauge({
      name: "unwrapped_queue_oldest_pending_age_seconds",
      help: "Age of the oldest pending analysis (0 when none is pending)",
      registers: [registry],
      async collect() {
        this.set((await read()).oldestPendingAgeSeconds);
      },
    });
    new Gauge({
      name: "unwrapped_workers_live",
      help: "Worker processes with a recent heartbeat",
      registers: [registry],
      async collect() {
        this.set((await read()).liveWorkers);
      },
    });
    this.#analysesFinished = new Counter({
      name: "unwrapped_analyses_finished_total",
      help: "Analyses this process finished running, by outcome (completed, retrying, failed, lost, released)",
      labelNames: ["outcome"],
      registers: [registry],
    });
    this.#analysisDuration = new Histogram({
      name: "unwrapped_analysis_duration_seconds",
      help: "Time a worker spent on one attempt of an analysis, by outcome",
      labelNames: ["outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    });
    this.#stepDuration = new Histogram({
      name: "unwrapped_analysis_step_duration_seconds",
      help: "Time of each pipeline step (token, collecting, profiling, judging, saving)",
      labelNames: ["step"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.#spotifyRequests = new Counter({
      name: "unwrapped_spotify_requests_total",
      help: "Requests to Spotify's Web API by endpoint and outcome (ok, client_error, rate_limited, quota_exceeded, server_error, network_error)",
      labelNames: ["endpoint", "outcome"],
      registers: [registry],
    });
    this.#spotifyRetryAfter = new Histogram({
      name: "unwrapped_spotify_retry_after_seconds",
      help: "Retry-After of Spotify's 429 answers",
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    });
    this.#spotifyBudgetWait = new Histogram({
      name: "unwrapped_spotify_budget_wait_seconds",
      help: "Time a request to Spotify waited for the shared budget (a pause or its rate slot)",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5],
      registers: [registry],
    });
    this.#judgeOutcomes = new Counter({
      name: "unwrapped_judge_outcomes_total",
      help: "Verdicts by who wrote them: llm, rules (no LLM configured, or too little data), fallback (the LLM failed)",
      labelNames: ["judge"],
      registers: [registry],
    });
    this.#watchStreams = new Gauge({
      name: "unwrapped_watch_streams_open",
      help: "analysis.watch streams open on this process",
      registers: [registry],
    });
    for (const step of STEPS) this.#stepDuration.zero({ step });
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  httpRequest(labels: { method: string; route: string; status: number }, seconds: number): void {
    const values = { method: labels.method, route: labels.route, status: String(labels.status) };
    this.#httpRequests.inc(values);
    this.#httpDuration.observe(values, seconds);
  }

  analysisFinished(outcome: TaskOutcome, milliseconds: number): void {
    this.#analysesFinished.inc({ outcome });
    this.#analysisDuration.observe({ outcome }, milliseconds / 1000);
  }

  stepFinished(step: PipelineStep, milliseconds: number): void {
    this.#stepDuration.observe({ step }, milliseconds / 1000);
  }

  spotifyRequest(endpoint: string, outcome: RequestOutcome): void {
    this.#spotifyRequests.inc({ endpoint, outcome });
  }

  spotifyRetryAfter(milliseconds: number): void {
    this.#spotifyRetryAfter.observe(milliseconds / 1000);
  }

  spotifyBudgetWaited(milliseconds: number): void {
    this.#spotifyBudgetWait.observe(milliseconds / 1000);
  }

  judged(outcome: JudgeOutcome): void {
    this.#judgeOutcomes.inc({ judge: outcome });
  }

  watchOpened(): () => void {
    this.#watchStreams.inc();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.#watchStreams.dec();
    };
  }

  /** One reading of the queue serves the three gauges of a scrape and the scrapes of the next seconds. */
  #read(db: Database, clock: Clock, workers: WorkerRegistry): Promise<QueueReading> {
    const now = clock.now().getTime();
    const current = this.#reading;
    if (current) {
      return current.then((reading) =>
        now - reading.at < QUEUE_READING_TTL_MS ? reading : this.#fresh(db, clock, workers),
      );
    }
    return this.#fresh(db, clock, workers);
  }

  #fresh(db: Database, clock: Clock, workers: WorkerRegistry): Promise<QueueReading> {
    const now = clock.now();
    const reading = (async (): Promise<QueueReading> => {
      const active = rowsOf<{ status: string; stage: string; count: number | string }>(
        await db.execute(sql`
          select status, stage, count(*) as count from analyses
          where status in ('pending', 'processing') group by status, stage`),
      );
      const oldest = rowsOf<{ created_at: string | Date | null }>(
        await db.execute(sql`
          select min(created_at) as created_at from analyses where status = 'pending'`),
      )[0]?.created_at;
      return {
        at: now.getTime(),
        active: active.map((row) => ({ status: row.status, stage: row.stage, count: Number(row.count) })),
        oldestPendingAgeSeconds: oldest
          ? Math.max(0, (now.getTime() - new Date(oldest).getTime()) / 1000)
          : 0,
        liveWorkers: await workers.liveCount(),
      };
    })();
    this.#reading = reading.catch((error: unknown) => {
      this.#reading = undefined;
      throw error;
    });
    return this.#reading;
  }
}

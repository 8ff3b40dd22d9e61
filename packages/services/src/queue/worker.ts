import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { DatabaseHandle, Unlisten } from "@unwrapped/db";
import type { Logger } from "pino";
import type { TaskOutcome } from "../analysis/coordinator.js";
import type { Clock, Timers } from "../clock.js";
import type { Metrics } from "../metrics/metrics.js";
import type { AnalysisQueue, ClaimedTask } from "./analysis-queue.js";
import { QUEUE_CHANNEL } from "./channels.js";
import type { WorkerRegistry } from "./worker-registry.js";

export interface WorkerSettings {
  readonly concurrency: number;
  readonly leaseSeconds: number;
  readonly pollIntervalMs: number;
  readonly shutdownGraceSeconds: number;
}

/** What a worker hands each claimed task to: the Coordinator in production. */
export interface TaskRunner {
  run(task: ClaimedTask, signal: AbortSignal): Promise<TaskOutcome>;
}

/** After the grace period, how long aborted tasks get to release themselves. */
const RELEASE_WAIT_MS = 5_000;

interface Running {
  readonly task: ClaimedTask;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * Claims analyses and runs them, up to `concurrency` at once. NOTIFY wakes it the moment a task is
 * queued; polling every `pollIntervalMs` is only the fallback (a missed notification, a retry that came
 * due). A heartbeat renews the lease of every running task; a task whose lease was lost is aborted.
 * stop(): claims nothing more, lets running tasks finish within the grace period, releases the rest.
 */
export class Worker {
  readonly id: string;
  readonly #queue: AnalysisQueue;
  readonly #coordinator: TaskRunner;
  readonly #database: DatabaseHandle;
  readonly #logger: Logger;
  readonly #settings: WorkerSettings;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #registry: WorkerRegistry | undefined;
  readonly #metrics: Metrics | undefined;
  readonly #running = new Map<string, Running>();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: () => void = () => {};
  #unlisten: Unlisten | undefined;
  /** Aborted by stop(): ends the heartbeat and any wait of the claim loop. */
  readonly #stopped = new AbortController();
  #heartbeat: Promise<void> | undefined;
  readonly #outcomes: Record<TaskOutcome, number> = {
    completed: 0,
    retrying: 0,
    failed: 0,
    lost: 0,
    released: 0,
  };

  constructor(dependencies: {
    queue: AnalysisQueue;
    coordinator: TaskRunner;
    database: DatabaseHandle;
    logger: Logger;
    settings: WorkerSettings;
    clock: Clock;
    timers: Timers;
    /** Where the worker announces itself (worker_heartbeats); none in tests that do not need it. */
    registry?: WorkerRegistry | undefined;
    metrics?: Metrics | undefined;
    id?: string | undefined;
  }) {
    this.#queue = dependencies.queue;
    this.#coordinator = dependencies.coordinator;
    this.#database = dependencies.database;
    this.#logger = dependencies.logger;
    this.#settings = dependencies.settings;
    this.#clock = dependencies.clock;
    this.#timers = dependencies.timers;
    this.#registry = dependencies.registry;
    this.#metrics = dependencies.metrics;
    this.id = dependencies.id ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Counts of finished tasks by outcome, since start. */
  get outcomes(): Readonly<Record<TaskOutcome, number>> {
    return this.#outcomes;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  async start(): Promise<void> {
    if (this.#loop) return;
    await this.#registry?.announce({ id: this.id, concurrency: this.#settings.concurrency });
    this.#unlisten = await this.#database.listen(QUEUE_CHANNEL, () => this.#wake(), {
      onSubscribed: () => this.#wake(), // after a reconnect, look for work that was queued meanwhile
    });
    this.#heartbeat = this.#beatUntilStopped();
    this.#loop = this.#run();
    this.#logger.info({ workerId: this.id, concurrency: this.#settings.concurrency }, "worker started");
  }

  async stop(): Promise<void> {
    if (!this.#loop || this.#stopping) return this.#loop;
    this.#stopping = true;
    this.#wake();
    await this.#loop;
    const finished = Promise.all([...this.#running.values()].map((running) => running.done));
    const inTime = await this.#within(this.#settings.shutdownGraceSeconds * 1000, finished);
    if (!inTime) {
      this.#logger.warn({ running: this.#running.size }, "grace period over: releasing unfinished analyses");
      for (const running of this.#running.values())
        running.controller.abort(new Error("worker shutting down"));
      // Aborted work releases its task at once; a call that ignores the abort is not waited for long:
      // its task comes back when its lease runs out.
      await this.#within(RELEASE_WAIT_MS, finished);
    }
    this.#stopped.abort();
    await this.#heartbeat;
    await this.#unlisten?.().catch(() => {});
    await this.#registry?.remove(this.id).catch((error: unknown) => {
      this.#logger.warn({ err: error }, "could not remove this worker's heartbeat; it expires on its own");
    });
    this.#logger.info({ workerId: this.id, outcomes: this.#outcomes }, "worker stopped");
  }

  /** Whether `work` settled within `ms`; the timer is cancelled as soon as it does. */
  async #within(ms: number, work: Promise<unknown>): Promise<boolean> {
    const timer = new AbortController();
    try {
      return await Promise.race([
        work.then(() => true),
        this.#timers.sleep(ms, timer.signal).then(
          () => false,
          () => false, // cancelled because the work settled first
        ),
      ]);
    } finally {
      timer.abort();
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      const woken = new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      const free = this.#settings.concurrency - this.#running.size;
      let claimed: ClaimedTask[] = [];
      let sleepMs = this.#settings.pollIntervalMs;
      if (free > 0) {
        try {
          claimed = await this.#queue.claim(this.id, free);
          failures = 0;
          if (claimed.length === 0) {
            const due = await this.#queue.nextDueAt();
            if (due) sleepMs = Math.min(sleepMs, Math.max(10, due.getTime() - this.#clock.now().getTime()));
          }
        } catch (error) {
          failures++;
          sleepMs = Math.min(this.#settings.pollIntervalMs * 2 ** Math.min(failures, 5), 30_000);
          this.#logger.warn(
            { err: error, retryInMs: sleepMs },
            "claiming analyses failed (is the database down?)",
          );
        }
      }
      for (const task of claimed) this.#start(task);
      if (this.#stopping) break;
      if (claimed.length > 0 && claimed.length === free) continue; // there may be more waiting
      await this.#within(sleepMs, woken);
    }
  }

  #start(task: ClaimedTask): void {
    const controller = new AbortController();
    const startedAt = this.#clock.now().getTime();
    const done = this.#coordinator
      .run(task, controller.signal)
      .catch((error: unknown) => {
        this.#logger.error({ err: error, analysisId: task.id }, "analysis crashed the coordinator");
        return "lost" as const;
      })
      .then((outcome) => {
        this.#outcomes[outcome]++;
        const durationMs = this.#clock.now().getTime() - startedAt;
        this.#metrics?.analysisFinished(outcome, durationMs);
        this.#logger.info(
          { analysisId: task.id, attempt: task.attempts, outcome, durationMs },
          "analysis finished",
        );
      })
      .finally(() => {
        this.#running.delete(task.id);
        this.#wake();
      });
    this.#running.set(task.id, { task, controller, done });
  }

  /**
   * Renews the leases of running tasks and this worker's heartbeat row every third of the lease, until
   * the worker stops.
   */
  async #beatUntilStopped(): Promise<void> {
    const interval = Math.max(250, Math.floor((this.#settings.leaseSeconds * 1000) / 3));
    for (;;) {
      try {
        await this.#timers.sleep(interval, this.#stopped.signal);
      } catch {
        return; // stopped
      }
      await this.#beat();
    }
  }

  async #beat(): Promise<void> {
    await this.#registry
      ?.beat({ id: this.id, concurrency: this.#settings.concurrency, running: this.#running.size })
      .catch((error: unknown) => this.#logger.warn({ err: error }, "worker heartbeat failed"));
    await Promise.all(
      [...this.#running.values()].map(async (running) => {
        try {
          if (!(await this.#queue.heartbeat(running.task))) {
            this.#logger.warn({ analysisId: running.task.id }, "lease lost; abandoning the analysis");
            running.controller.abort(new Error("lease lost"));
          }
        } catch (error) {
          this.#logger.warn({ err: error, analysisId: running.task.id }, "heartbeat failed");
        }
      }),
    );
  }
}

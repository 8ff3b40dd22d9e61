import { analyses, type DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import { eq, inArray, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskOutcome } from "../../src/analysis/coordinator.js";
import { systemClock } from "../../src/clock.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import { type TaskRunner, Worker } from "../../src/queue/worker.js";
import { eventually, silentLogger } from "../../src/testing/index.js";
import { createUser } from "../support/users.js";

const settings = { leaseSeconds: 30, maxAttempts: 3, freshCooldownSeconds: 0 };
const workerSettings = { concurrency: 4, leaseSeconds: 30, pollIntervalMs: 60_000, shutdownGraceSeconds: 5 };

const handles: DatabaseHandle[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

/** A runner that records each successful completion per task, so double completion would show. */
function countingRunner(queue: AnalysisQueue, completions: Map<string, number>, delayMs = 2): TaskRunner {
  return {
    async run(task: ClaimedTask): Promise<TaskOutcome> {
      if (!(await queue.advance(task, "collecting", 0.1))) return "lost";
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const done = await queue.complete(task, {
        judge: "rules",
        profile: { version: 1 },
        label: "TEST",
        description: "test",
        criticalAcclaim: 0.5,
        mainstream: 0.5,
        shareToken: `share-${task.id}`,
      });
      if (done) completions.set(task.id, (completions.get(task.id) ?? 0) + 1);
      return done ? "completed" : "lost";
    },
  };
}

function startWorker(handle: DatabaseHandle, runner: TaskRunner, id: string, overrides = {}) {
  const queue = new AnalysisQueue({ db: handle.db, clock: systemClock, settings });
  const worker = new Worker({
    queue,
    coordinator: runner,
    database: handle,
    logger: silentLogger,
    settings: { ...workerSettings, ...overrides },
    id,
  });
  workers.push(worker);
  return worker;
}

async function seed(handle: DatabaseHandle, count: number) {
  const queue = new AnalysisQueue({ db: handle.db, clock: systemClock, settings });
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const user = await createUser(handle.db);
    ids.push((await queue.begin(user.id)).analysisId);
  }
  return ids;
}

/** A second connection pool to the same database on PostgreSQL (like a second process); PGlite has one. */
async function secondHandle(first: DatabaseHandle & { config: { kind: string } }): Promise<DatabaseHandle> {
  if (first.kind === "pglite") return first;
  const { createDatabase } = await import("@unwrapped/db");
  const other = await createDatabase(first.config as Parameters<typeof createDatabase>[0]);
  handles.push(other);
  return other;
}

describe("Worker", () => {
  it("two workers drain 200 analyses, each completed exactly once", async () => {
    const handle = await createIsolatedDatabase();
    handles.push(handle);
    const ids = await seed(handle, 200);
    const completions = new Map<string, number>();
    const other = await secondHandle(handle);
    const queueA = new AnalysisQueue({ db: handle.db, clock: systemClock, settings });
    const queueB = new AnalysisQueue({ db: other.db, clock: systemClock, settings });
    const a = startWorker(handle, countingRunner(queueA, completions), "worker-a");
    const b = startWorker(other, countingRunner(queueB, completions), "worker-b");
    await Promise.all([a.start(), b.start()]);

    await eventually(
      async () => {
        const rows = await handle.db
          .select({ status: analyses.status })
          .from(analyses)
          .where(inArray(analyses.id, ids));
        return rows.every((row) => row.status === "completed");
      },
      { timeoutMs: 30_000, message: "not every analysis completed" },
    );
    expect(completions.size).toBe(200);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
    expect(a.outcomes.completed + b.outcomes.completed).toBe(200);
    if (handle.kind === "postgres") {
      expect(a.outcomes.completed).toBeGreaterThan(0);
      expect(b.outcomes.completed).toBeGreaterThan(0);
    }
  });

  it("wakes on NOTIFY at once rather than waiting for the next poll", async () => {
    const handle = await createIsolatedDatabase();
    handles.push(handle);
    const completions = new Map<string, number>();
    const queue = new AnalysisQueue({ db: handle.db, clock: systemClock, settings });
    const worker = startWorker(handle, countingRunner(queue, completions), "worker-a");
    await worker.start();
    await new Promise((resolve) => setTimeout(resolve, 100)); // idle, next poll a minute away
    const started = Date.now();
    const [id] = await seed(handle, 1);
    await eventually(() => completions.get(id as string) === 1, { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("re-runs an analysis whose worker died once its lease expires; the dead worker's write is dropped", async () => {
    const handle = await createIsolatedDatabase();
    handles.push(handle);
    const [id] = await seed(handle, 1);
    const queue = new AnalysisQueue({ db: handle.db, clock: systemClock, settings });
    const [dead] = (await queue.claim("worker-that-died", 1)) as [ClaimedTask];
    expect(dead.id).toBe(id);

    const completions = new Map<string, number>();
    const worker = startWorker(handle, countingRunner(queue, completions), "worker-b", {
      pollIntervalMs: 50,
    });
    await worker.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(completions.size).toBe(0); // the lease still holds

    // Move the lease into the past instead of sleeping through it.
    await handle.db.execute(
      sql`update analyses set locked_until = now() - interval '1 second' where id = ${id}`,
    );
    await eventually(() => completions.get(id as string) === 1, { timeoutMs: 5_000 });

    expect(
      await queue.complete(dead, {
        judge: "rules",
        profile: {},
        label: "LATE",
        description: "late",
        criticalAcclaim: 0,
        mainstream: 0,
        shareToken: "late-token-000000000000",
      }),
    ).toBe(false);
    const [row] = await handle.db
      .select()
      .from(analyses)
      .where(eq(analyses.id, id as string));
    expect(row).toMatchObject({ status: "completed", label: "TEST", attempts: 2 });
  });

  it("on stop, lets running work finish within the grace period and releases the rest", async () => {
    const handle = await createIsolatedDatabase();
    handles.push(handle);
    const [id] = await seed(handle, 1);
    const queue = new AnalysisQueue({ db: handle.db, clock: systemClock, settings });
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const stuck: TaskRunner = {
      async run(task, signal) {
        await queue.advance(task, "collecting", 0.1);
        started();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        return (await queue.release(task)) ? "released" : "lost";
      },
    };
    const worker = startWorker(handle, stuck, "worker-a", { shutdownGraceSeconds: 0.2 });
    await worker.start();
    await running;
    await worker.stop();
    const [row] = await handle.db
      .select()
      .from(analyses)
      .where(eq(analyses.id, id as string));
    expect(row).toMatchObject({ status: "pending", attempts: 0, leaseToken: null, lockedBy: null });
    expect(worker.outcomes.released).toBe(1);
  });
});

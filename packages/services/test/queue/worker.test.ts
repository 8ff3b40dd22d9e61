import { analyses, type DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import { eq, inArray, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskOutcome } from "../../src/analysis/coordinator.js";
import { ManualClock } from "../../src/clock.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import { type TaskRunner, Worker } from "../../src/queue/worker.js";
import { eventually, silentLogger } from "../../src/testing/index.js";
import { storedResult } from "../support/stored-result.js";
import { createUser } from "../support/users.js";

const LEASE_SECONDS = 30;
/** A third of the lease. */
const HEARTBEAT_MS = 10_000;
const POLL_MS = 60_000;
const GRACE_MS = 5_000;
const settings = { leaseSeconds: LEASE_SECONDS, maxAttempts: 3 };
const workerSettings = {
  concurrency: 4,
  leaseSeconds: LEASE_SECONDS,
  pollIntervalMs: POLL_MS,
  shutdownGraceSeconds: GRACE_MS / 1000,
};

const handles: DatabaseHandle[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

/** A runner that records each successful completion per task, so double completion would show. */
function countingRunner(queue: AnalysisQueue, completions: Map<string, number>): TaskRunner {
  return {
    async run(task: ClaimedTask): Promise<TaskOutcome> {
      if (!(await queue.advance(task, "collecting", 0.1))) return "lost";
      const done = await queue.complete(task, storedResult({ shareToken: `share-${task.id}` }));
      if (done) completions.set(task.id, (completions.get(task.id) ?? 0) + 1);
      return done ? "completed" : "lost";
    },
  };
}

/** A runner whose tasks run until the test lets them finish, or until they are aborted (then released). */
function heldRunner(queue: AnalysisQueue) {
  let started: (task: ClaimedTask) => void = () => {};
  const running = new Promise<ClaimedTask>((resolve) => {
    started = resolve;
  });
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const runner: TaskRunner = {
    async run(task, signal) {
      await queue.advance(task, "collecting", 0.1);
      started(task);
      const aborted = new Promise<"aborted">((resolve) =>
        signal.addEventListener("abort", () => resolve("aborted"), { once: true }),
      );
      if ((await Promise.race([finished, aborted])) === "aborted") {
        return (await queue.release(task)) ? "released" : "lost";
      }
      return (await queue.complete(task, storedResult({ shareToken: `share-${task.id}` })))
        ? "completed"
        : "lost";
    },
  };
  return { runner, running, finish };
}

async function database() {
  const handle = await createIsolatedDatabase();
  handles.push(handle);
  return handle;
}

function startWorker(
  handle: DatabaseHandle,
  clock: ManualClock,
  runner: (queue: AnalysisQueue) => TaskRunner,
  id: string,
  overrides: Partial<typeof workerSettings> = {},
) {
  const queue = new AnalysisQueue({ db: handle.db, clock, settings, random: () => 0.5 });
  const worker = new Worker({
    queue,
    coordinator: runner(queue),
    database: handle,
    logger: silentLogger,
    settings: { ...workerSettings, ...overrides },
    clock,
    timers: clock,
    id,
  });
  workers.push(worker);
  return { worker, queue };
}

async function seed(handle: DatabaseHandle, clock: ManualClock, count: number) {
  const queue = new AnalysisQueue({ db: handle.db, clock, settings });
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const user = await createUser(handle.db);
    const created = await queue.enqueue(user.id);
    if (!created) throw new Error("nothing queued");
    ids.push(created.id);
  }
  return ids;
}

async function rowOf(handle: DatabaseHandle, id: string) {
  const [row] = await handle.db.select().from(analyses).where(eq(analyses.id, id));
  if (!row) throw new Error("row missing");
  return row;
}

/** Resolves once the worker sleeps `ms` (by default until its next poll): it found nothing to claim. */
function idle(clock: ManualClock, ms = POLL_MS) {
  return clock.untilTimer(ms);
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
    const handle = await database();
    const clock = new ManualClock();
    const ids = await seed(handle, clock, 200);
    const completions = new Map<string, number>();
    const other = await secondHandle(handle);
    const { worker: a } = startWorker(handle, clock, (queue) => countingRunner(queue, completions), "a");
    const { worker: b } = startWorker(other, clock, (queue) => countingRunner(queue, completions), "b");
    await Promise.all([a.start(), b.start()]);

    // The clock never moves: only claiming again as tasks finish can drain the queue.
    await eventually(
      async () => {
        const rows = await handle.db
          .select({ status: analyses.status })
          .from(analyses)
          .where(inArray(analyses.id, ids));
        return rows.every((row) => row.status === "completed");
      },
      { timeoutMs: 110_000, message: "not every analysis completed" },
    );
    expect(completions.size).toBe(200);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
    expect(a.outcomes.completed + b.outcomes.completed).toBe(200);
    if (handle.kind === "postgres") {
      expect(a.outcomes.completed).toBeGreaterThan(0);
      expect(b.outcomes.completed).toBeGreaterThan(0);
    }
  }, 120_000);

  it("wakes on NOTIFY rather than waiting for the next poll", async () => {
    const handle = await database();
    const clock = new ManualClock();
    const completions = new Map<string, number>();
    const { worker } = startWorker(handle, clock, (queue) => countingRunner(queue, completions), "a");
    await worker.start();
    await idle(clock);
    const [id] = await seed(handle, clock, 1);
    // The clock stands still, so the poll never comes: the notification alone starts the analysis.
    await eventually(() => completions.get(id as string) === 1, { timeoutMs: 15_000 });
  });

  it("picks up a retry when it comes due, sleeping only until then", async () => {
    const handle = await database();
    const clock = new ManualClock();
    const [id] = await seed(handle, clock, 1);
    const queue = new AnalysisQueue({ db: handle.db, clock, settings, random: () => 0.5 });
    const [task] = (await queue.claim("earlier-worker", 1)) as [ClaimedTask];
    await queue.retry(task, { code: "SPOTIFY_UNAVAILABLE", message: "Spotify could not be reached." });
    const due = (await rowOf(handle, id as string)).runAfter.getTime() - clock.now().getTime();
    expect(due).toBe(3_750); // attempt 1: ceiling 5 s, random 0.5

    const completions = new Map<string, number>();
    const { worker } = startWorker(handle, clock, (queue) => countingRunner(queue, completions), "a");
    await worker.start();
    await idle(clock, due); // not the full minute of the poll interval
    expect(completions.size).toBe(0);
    clock.advance(due);
    await eventually(() => completions.get(id as string) === 1, { timeoutMs: 15_000 });
  });

  it("re-runs an analysis whose worker died once its lease expires; the dead worker's write is dropped", async () => {
    const handle = await database();
    const clock = new ManualClock();
    const [id] = await seed(handle, clock, 1);
    const queue = new AnalysisQueue({ db: handle.db, clock, settings });
    const [dead] = (await queue.claim("worker-that-died", 1)) as [ClaimedTask];
    expect(dead.id).toBe(id);

    const completions = new Map<string, number>();
    const { worker } = startWorker(handle, clock, (queue) => countingRunner(queue, completions), "b", {
      pollIntervalMs: 50,
    });
    await worker.start();
    await idle(clock, 50);
    expect(completions.size).toBe(0); // the lease still holds

    clock.advance(LEASE_SECONDS * 1000 + 1); // the dead worker sends no heartbeat
    await eventually(() => completions.get(id as string) === 1, { timeoutMs: 15_000 });

    expect(await queue.complete(dead, storedResult({ label: "LATE" }))).toBe(false);
    expect(await rowOf(handle, id as string)).toMatchObject({
      status: "completed",
      label: "TEST LABEL",
      attempts: 2,
    });
  });

  it("renews the lease of a running analysis every third of the lease, and aborts it once the lease is lost", async () => {
    const handle = await database();
    const clock = new ManualClock();
    const start = clock.now().getTime();
    const [id] = await seed(handle, clock, 1);
    const held = { value: undefined as ReturnType<typeof heldRunner> | undefined };
    const { worker } = startWorker(
      handle,
      clock,
      (queue) => {
        held.value = heldRunner(queue);
        return held.value.runner;
      },
      "a",
    );
    await worker.start();
    await held.value?.running;
    expect((await rowOf(handle, id as string)).lockedUntil?.getTime()).toBe(start + LEASE_SECONDS * 1000);

    clock.advance(HEARTBEAT_MS);
    await eventually(
      async () =>
        (await rowOf(handle, id as string)).lockedUntil?.getTime() ===
        start + HEARTBEAT_MS + LEASE_SECONDS * 1000,
      { timeoutMs: 15_000, message: "the heartbeat did not renew the lease" },
    );

    // Another worker takes the task over; the next heartbeat finds the lease gone.
    await handle.db.execute(
      sql`update analyses set lease_token = gen_random_uuid(), locked_by = 'other' where id = ${id}`,
    );
    await clock.untilTimer(HEARTBEAT_MS);
    clock.advance(HEARTBEAT_MS);
    await eventually(() => worker.outcomes.lost === 1, { timeoutMs: 15_000 });
    expect(await rowOf(handle, id as string)).toMatchObject({ status: "processing", lockedBy: "other" });
  });

  it("on stop, lets running work finish within the grace period", async () => {
    const handle = await database();
    const clock = new ManualClock();
    const [id] = await seed(handle, clock, 1);
    const held = { value: undefined as ReturnType<typeof heldRunner> | undefined };
    const { worker } = startWorker(
      handle,
      clock,
      (queue) => {
        held.value = heldRunner(queue);
        return held.value.runner;
      },
      "a",
    );
    await worker.start();
    await held.value?.running;
    const stopping = worker.stop();
    await clock.untilTimer(GRACE_MS); // the grace period started
    held.value?.finish(); // the work ends before the clock reaches the end of the grace period
    await stopping;
    expect(worker.outcomes).toMatchObject({ completed: 1, released: 0 });
    expect(await rowOf(handle, id as string)).toMatchObject({ status: "completed" });
  });

  it("on stop, releases what is still running when the grace period is over", async () => {
    const handle = await database();
    const clock = new ManualClock();
    const [id] = await seed(handle, clock, 1);
    const held = { value: undefined as ReturnType<typeof heldRunner> | undefined };
    const { worker } = startWorker(
      handle,
      clock,
      (queue) => {
        held.value = heldRunner(queue);
        return held.value.runner;
      },
      "a",
    );
    await worker.start();
    await held.value?.running;
    const stopping = worker.stop();
    await clock.untilTimer(GRACE_MS);
    clock.advance(GRACE_MS);
    await stopping;
    expect(await rowOf(handle, id as string)).toMatchObject({
      status: "pending",
      attempts: 0,
      leaseToken: null,
      lockedBy: null,
    });
    expect(worker.outcomes.released).toBe(1);
  });
});

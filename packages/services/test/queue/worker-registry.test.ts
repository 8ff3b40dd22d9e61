import { type DatabaseHandle, workerHeartbeats } from "@unwrapped/db";
import { createIsolatedDatabase, dbTest } from "@unwrapped/db/testing";
import { afterEach, describe, expect, it } from "vitest";
import { AnalysisService } from "../../src/analysis/analysis-service.js";
import type { TaskOutcome } from "../../src/analysis/coordinator.js";
import { ManualClock } from "../../src/clock.js";
import { AnalysisQueue } from "../../src/queue/analysis-queue.js";
import { StatusHub } from "../../src/queue/status-hub.js";
import { Worker } from "../../src/queue/worker.js";
import { NO_WORKER_HINT, WorkerRegistry } from "../../src/queue/worker-registry.js";
import { silentLogger } from "../../src/testing/index.js";
import { createUser } from "../support/users.js";

const LEASE_MS = 30_000;
const queueSettings = { leaseSeconds: LEASE_MS / 1000, maxAttempts: 3 };
const idleHub = { subscribe: async () => () => {} } as unknown as StatusHub;

function registryOn(db: DatabaseHandle["db"], clock: ManualClock) {
  return new WorkerRegistry({ db, clock, staleAfterMs: LEASE_MS });
}

function serviceOn(db: DatabaseHandle["db"], clock: ManualClock, hub: StatusHub = idleHub) {
  const queue = new AnalysisQueue({ db, clock, settings: queueSettings });
  const service = new AnalysisService({
    db,
    queue,
    hub,
    clock,
    publicUrl: "https://unwrapped.example",
    freshCooldownSeconds: 0,
    workers: registryOn(db, clock),
    hintRecheck: { intervalMs: LEASE_MS / 3, timers: clock },
  });
  return { queue, service };
}

describe("WorkerRegistry", () => {
  dbTest("counts a worker as live until its heartbeat is older than the lease", async ({ db }) => {
    const clock = new ManualClock();
    const registry = registryOn(db, clock);
    await registry.announce({ id: "worker-a", concurrency: 4 });
    expect(await registry.liveCount()).toBe(1);
    clock.advance(LEASE_MS);
    expect(await registry.liveCount()).toBe(1);
    clock.advance(1);
    expect(await registry.liveCount()).toBe(0);
    expect(await registry.live()).toEqual([]);
  });

  dbTest("a live worker's beat refreshes its row and deletes the rows of dead ones", async ({ db }) => {
    const clock = new ManualClock();
    const registry = registryOn(db, clock);
    await registry.announce({ id: "dead", concurrency: 2 });
    await registry.announce({ id: "alive", concurrency: 4 });
    clock.advance(LEASE_MS + 1);
    await registry.beat({ id: "alive", concurrency: 4, running: 3 });
    const rows = await db.select().from(workerHeartbeats);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: "alive", concurrency: 4, running: 3, pid: process.pid });
    expect(rows[0]?.lastSeenAt).toEqual(clock.now());
  });

  dbTest("a beat after the row was expired announces the worker again", async ({ db }) => {
    const clock = new ManualClock();
    const registry = registryOn(db, clock);
    await registry.beat({ id: "late", concurrency: 1, running: 0 });
    expect((await registry.live()).map((worker) => worker.id)).toEqual(["late"]);
  });
});

describe("the no-worker hint", () => {
  dbTest("a pending analysis says no worker is running until one is live", async ({ db }) => {
    const clock = new ManualClock();
    const { service } = serviceOn(db, clock);
    const user = await createUser(db);
    const begun = await service.begin(user.id);
    expect(begun.hint).toBe(NO_WORKER_HINT);
    expect(await service.status(user.id, begun.analysisId)).toMatchObject({
      status: "pending",
      hint: NO_WORKER_HINT,
    });
    await registryOn(db, clock).announce({ id: "worker-a", concurrency: 1 });
    expect((await service.status(user.id, begun.analysisId)).hint).toBeNull();
  });

  dbTest("a killed worker's heartbeat expires and the hint appears", async ({ db }) => {
    const clock = new ManualClock();
    const { service } = serviceOn(db, clock);
    const user = await createUser(db);
    // A worker that announced itself and then died: it never beats again and never removes its row.
    await registryOn(db, clock).announce({ id: "killed", concurrency: 2 });
    const begun = await service.begin(user.id);
    expect((await service.status(user.id)).hint).toBeNull();
    clock.advance(LEASE_MS + 1);
    expect(await service.status(user.id, begun.analysisId)).toMatchObject({ hint: NO_WORKER_HINT });
  });
});

describe("heartbeats of a running worker", () => {
  const handles: DatabaseHandle[] = [];
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
  });

  it("announces itself on start, beats while running and removes its row on a clean stop", async () => {
    const handle = await createIsolatedDatabase();
    handles.push(handle);
    const clock = new ManualClock();
    const registry = registryOn(handle.db, clock);
    const queue = new AnalysisQueue({ db: handle.db, clock, settings: queueSettings });
    const worker = new Worker({
      queue,
      coordinator: { run: async (): Promise<TaskOutcome> => "completed" },
      database: handle,
      logger: silentLogger,
      settings: {
        concurrency: 3,
        leaseSeconds: LEASE_MS / 1000,
        pollIntervalMs: 60_000,
        shutdownGraceSeconds: 1,
      },
      clock,
      timers: clock,
      registry,
      id: "worker-under-test",
    });
    workers.push(worker);
    await worker.start();
    expect(await registry.live()).toMatchObject([{ id: "worker-under-test", concurrency: 3, running: 0 }]);
    // Its beats keep it live well past one lease.
    for (let beat = 0; beat < 6; beat++) {
      await clock.untilTimer(LEASE_MS / 3);
      clock.advance(LEASE_MS / 3);
      await expect
        .poll(async () => (await registry.live())[0]?.lastSeenAt.getTime())
        .toBe(clock.now().getTime());
    }
    expect(await registry.liveCount()).toBe(1);
    await worker.stop();
    expect(await handle.db.select().from(workerHeartbeats)).toEqual([]);
  });

  it("a watch of a pending analysis gets the hint once the last worker's heartbeat expires", async () => {
    const handle = await createIsolatedDatabase();
    handles.push(handle);
    const clock = new ManualClock();
    const hub = new StatusHub(handle, silentLogger);
    const { service } = serviceOn(handle.db, clock, hub);
    const user = await createUser(handle.db);
    await registryOn(handle.db, clock).announce({ id: "soon-dead", concurrency: 1 });
    const begun = await service.begin(user.id);
    const controller = new AbortController();
    const watch = service.watch(user.id, { analysisId: begun.analysisId, signal: controller.signal });
    try {
      const first = await watch.next();
      expect(first.value).toMatchObject({ status: { status: "pending", hint: null } });
      const next = watch.next();
      // The watch re-checks every third of a lease; after a lease and a bit, the worker is gone.
      for (let step = 0; step < 4; step++) {
        await clock.untilTimer(LEASE_MS / 3);
        clock.advance(LEASE_MS / 3);
      }
      expect((await next).value).toMatchObject({
        id: first.value?.id,
        status: { status: "pending", hint: NO_WORKER_HINT },
      });
    } finally {
      controller.abort();
      await watch.return(undefined);
      await hub.close();
    }
  });
});

import { analyses, type DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase, dbTest } from "@unwrapped/db/testing";
import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnalysisService, type WatchEvent } from "../../src/analysis/analysis-service.js";
import { ManualClock, systemClock, systemTimers } from "../../src/clock.js";
import {
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  ValidationError,
} from "../../src/errors.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import { StatusHub } from "../../src/queue/status-hub.js";
import { Worker } from "../../src/queue/worker.js";
import { silentLogger } from "../../src/testing/index.js";
import { pipeline, testCipher } from "../support/pipeline.js";
import { connectPersona, startTestSandbox } from "../support/spotify-connection.js";
import { storedResult } from "../support/stored-result.js";
import { createUser } from "../support/users.js";

const queueSettings = { leaseSeconds: 60, maxAttempts: 3 };

/** A hub for services whose watch a test does not use. */
const idleHub = { subscribe: async () => () => {} } as unknown as StatusHub;

function serviceFor(
  db: Parameters<typeof createUser>[0],
  options: { clock?: ManualClock; freshCooldownSeconds?: number } = {},
) {
  const clock = options.clock ?? new ManualClock("2026-11-27T12:00:00Z");
  const queue = new AnalysisQueue({ db, clock, settings: queueSettings, random: () => 0.5 });
  return {
    clock,
    queue,
    service: new AnalysisService({
      db,
      queue,
      hub: idleHub,
      clock,
      publicUrl: "https://unwrapped.example",
      freshCooldownSeconds: options.freshCooldownSeconds ?? 0,
    }),
  };
}

async function claimOf(queue: AnalysisQueue, userId: string): Promise<ClaimedTask> {
  const task = (await queue.claim("worker", 100)).find((claimed) => claimed.userId === userId);
  if (!task) throw new Error("nothing claimed");
  return task;
}

describe("AnalysisService.begin", () => {
  dbTest("creates one pending analysis and returns it again while it is active", async ({ db }) => {
    const { service } = serviceFor(db, { freshCooldownSeconds: 60 });
    const user = await createUser(db);
    const first = await service.begin(user.id);
    expect(first).toMatchObject({
      status: "pending",
      stage: "queued",
      progress: 0,
      attempts: 0,
      error: null,
    });
    const again = await service.begin(user.id, { fresh: true });
    expect(again.analysisId).toBe(first.analysisId);
  });

  dbTest("returns the latest completed analysis unless fresh; fresh is rate limited", async ({ db }) => {
    const { service, queue, clock } = serviceFor(db, { freshCooldownSeconds: 60 });
    const user = await createUser(db);
    const started = await service.begin(user.id);
    expect(await queue.complete(await claimOf(queue, user.id), storedResult())).toBe(true);

    expect((await service.begin(user.id)).analysisId).toBe(started.analysisId);
    const error = await service.begin(user.id, { fresh: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(60);
    expect((error as RateLimitedError).message).toMatch(/Try again in 60 s/);

    clock.advance(59_500);
    const soon = await service.begin(user.id, { fresh: true }).catch((caught: unknown) => caught);
    expect((soon as RateLimitedError).retryAfterSeconds).toBe(1); // rounded up, never "0 s"

    clock.advance(1_500);
    const fresh = await service.begin(user.id, { fresh: true });
    expect(fresh.analysisId).not.toBe(started.analysisId);
    expect(fresh.status).toBe("pending");
  });

  dbTest(
    "stores the tone asked for, and returns the latest verdict again only in that tone",
    async ({ db }) => {
      const { service, queue, clock } = serviceFor(db, { freshCooldownSeconds: 60 });
      const user = await createUser(db);
      const savage = await service.begin(user.id, { tone: "savage" });
      const [stored] = await db
        .select({ tone: analyses.tone })
        .from(analyses)
        .where(eq(analyses.id, savage.analysisId));
      expect(stored?.tone).toBe("savage");
      expect(await queue.complete(await claimOf(queue, user.id), storedResult())).toBe(true);
      expect((await service.result(user.id)).tone).toBe("savage");

      expect((await service.begin(user.id)).analysisId).toBe(savage.analysisId); // no tone asked: the latest
      expect((await service.begin(user.id, { tone: "savage" })).analysisId).toBe(savage.analysisId);
      // Another tone is a new analysis, under the same cooldown as `fresh`, so switching cannot bypass it.
      await expect(service.begin(user.id, { tone: "gentle" })).rejects.toBeInstanceOf(RateLimitedError);
      clock.advance(60_000);
      const gentle = await service.begin(user.id, { tone: "gentle" });
      expect(gentle.analysisId).not.toBe(savage.analysisId);
      const [queued] = await db
        .select({ tone: analyses.tone })
        .from(analyses)
        .where(eq(analyses.id, gentle.analysisId));
      expect(queued?.tone).toBe("gentle");
    },
  );

  dbTest("writes balanced when no tone is asked for", async ({ db }) => {
    const { service, queue } = serviceFor(db);
    const user = await createUser(db);
    await service.begin(user.id);
    const task = await claimOf(queue, user.id);
    expect(task.tone).toBe("balanced");
  });

  dbTest("creates a new analysis after a failed one", async ({ db }) => {
    const { service, queue } = serviceFor(db);
    const user = await createUser(db);
    await service.begin(user.id);
    const task = await claimOf(queue, user.id);
    await queue.fail(task, { code: "SPOTIFY_ERROR", message: "no" });
    const next = await service.begin(user.id);
    expect(next.status).toBe("pending");
    expect(next.analysisId).not.toBe(task.id);
  });

  describe("with committed data", () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await createIsolatedDatabase();
    });
    afterAll(async () => {
      await handle.close();
    });

    it("turns 50 concurrent begin calls for one user into one analysis", async () => {
      const { service } = serviceFor(handle.db);
      const user = await createUser(handle.db);
      const results = await Promise.all(Array.from({ length: 50 }, () => service.begin(user.id)));
      expect(new Set(results.map((result) => result.analysisId)).size).toBe(1);
      const rows = await handle.db.select().from(analyses).where(eq(analyses.userId, user.id));
      expect(rows).toHaveLength(1);
    });
  });
});

describe("AnalysisService.watch", () => {
  let sandbox: RunningSandbox;
  let handle: DatabaseHandle;
  let hub: StatusHub;
  let worker: Worker;
  let service: AnalysisService;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ latencyMs: 20 });
    handle = await createIsolatedDatabase();
    hub = new StatusHub(handle, silentLogger);
    const { queue, coordinator } = pipeline(handle.db, sandbox);
    worker = new Worker({
      queue,
      coordinator,
      database: handle,
      logger: silentLogger,
      settings: { concurrency: 2, leaseSeconds: 30, pollIntervalMs: 1000, shutdownGraceSeconds: 1 },
      clock: systemClock,
      timers: systemTimers,
    });
    service = new AnalysisService({
      db: handle.db,
      queue,
      hub,
      clock: systemClock,
      publicUrl: "http://127.0.0.1:8000",
      freshCooldownSeconds: 0,
    });
  });
  afterAll(async () => {
    await worker.stop();
    await hub.close();
    await handle.close();
    await sandbox.close();
  });

  async function collect(iterator: AsyncGenerator<WatchEvent>): Promise<WatchEvent[]> {
    const events: WatchEvent[] = [];
    for await (const event of iterator) events.push(event);
    return events;
  }

  it("delivers the stages in order, one event per change, and ends after the terminal status", async () => {
    const { user } = await connectPersona(handle.db, sandbox, testCipher, "metalhead");
    const begun = await service.begin(user.id);
    const iterator = service.watch(user.id, { analysisId: begun.analysisId });
    const first = await iterator.next(); // subscribed and seen the current state before any work starts
    await worker.start();
    const events = [first.value as WatchEvent, ...(await collect(iterator))];
    const stages = events.map((event) => event.status.stage);
    expect(stages[0]).toBe("queued");
    expect(stages.at(-1)).toBe("done");
    expect(stages.filter((stage, index) => stage !== stages[index - 1])).toEqual([
      "queued",
      "collecting",
      "profiling",
      "judging",
      "saving",
      "done",
    ]);
    const progress = events.map((event) => event.status.progress);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    const ids = events.map((event) => Number(event.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(events.at(-1)?.status.status).toBe("completed");

    // Resuming: a watcher that saw everything gets nothing more; a new one gets the final state once.
    const lastId = events.at(-1)?.id ?? "0";
    expect(
      await collect(service.watch(user.id, { analysisId: begun.analysisId, lastEventId: lastId })),
    ).toEqual([]);
    const late = await collect(service.watch(user.id, { analysisId: begun.analysisId }));
    expect(late.map((event) => event.status.status)).toEqual(["completed"]);
    expect(hub.subscriptionCount).toBe(0);
  });

  it("stops when the watcher goes away", async () => {
    const user = await createUser(handle.db);
    await worker.stop();
    const begun = await service.begin(user.id);
    const controller = new AbortController();
    const iterator = service.watch(user.id, { analysisId: begun.analysisId, signal: controller.signal });
    const first = await iterator.next();
    expect(first.value?.status.status).toBe("pending");
    const pendingNext = iterator.next();
    controller.abort();
    expect((await pendingNext).done).toBe(true);
    expect(hub.subscriptionCount).toBe(0);
  });

  it("refuses another user's analysis with NOT_FOUND", async () => {
    const owner = await createUser(handle.db);
    const stranger = await createUser(handle.db);
    const begun = await service.begin(owner.id);
    await expect(service.watch(stranger.id, { analysisId: begun.analysisId }).next()).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("AnalysisService reads", () => {
  async function complete(
    { service, queue }: ReturnType<typeof serviceFor>,
    userId: string,
    shareToken: string,
  ) {
    await service.begin(userId, { fresh: true });
    const task = await claimOf(queue, userId);
    await queue.complete(task, storedResult({ shareToken }));
    return task.id;
  }

  dbTest("NOT_FOUND without analyses; PRECONDITION_FAILED while the only one is running", async ({ db }) => {
    const { service } = serviceFor(db);
    const user = await createUser(db);
    await expect(service.status(user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.result(user.id)).rejects.toBeInstanceOf(NotFoundError);
    const begun = await service.begin(user.id);
    await expect(service.result(user.id)).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(service.result(user.id, begun.analysisId)).rejects.toThrow(/still pending/);
  });

  dbTest("result defaults to the latest completed verdict even while a new analysis runs", async ({ db }) => {
    const setup = serviceFor(db);
    const { service, clock } = setup;
    const user = await createUser(db);
    const firstId = await complete(setup, user.id, "share-token-first-000000");
    clock.advance(1000);
    const running = await service.begin(user.id, { fresh: true });
    const result = await service.result(user.id);
    expect(result.analysisId).toBe(firstId);
    expect(result.shareUrl).toBe("https://unwrapped.example/s/share-token-first-000000");
    expect((await service.status(user.id)).analysisId).toBe(running.analysisId);
  });

  dbTest("pages history newest first with a stable cursor", async ({ db }) => {
    const setup = serviceFor(db);
    const { service, clock } = setup;
    const user = await createUser(db);
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push(await complete(setup, user.id, `share-token-history-${index}-0000`));
      clock.advance(1000);
    }
    const first = await service.history(user.id, { limit: 2 });
    expect(first.items.map((item) => item.analysisId)).toEqual([ids[4], ids[3]]);
    const second = await service.history(user.id, { limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.items.map((item) => item.analysisId)).toEqual([ids[2], ids[1]]);
    const third = await service.history(user.id, { limit: 2, cursor: second.nextCursor ?? "" });
    expect(third.items.map((item) => item.analysisId)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
    await expect(service.history(user.id, { cursor: "garbage" })).rejects.toBeInstanceOf(ValidationError);
    const [row] = await db
      .select()
      .from(analyses)
      .where(eq(analyses.id, ids[0] as string));
    expect(row?.status).toBe("completed");
  });
});

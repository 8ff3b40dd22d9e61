import { analyses, type Database, type DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase, dbTest } from "@unwrapped/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { AnalysisQueue, type ClaimedTask, DRAFT_MAX_BYTES } from "../../src/queue/analysis-queue.js";
import { QUEUE_CHANNEL, STATUS_CHANNEL } from "../../src/queue/channels.js";
import { parseStatusEvent, type StatusEvent } from "../../src/queue/status-event.js";
import { storedResult } from "../support/stored-result.js";
import { createUser } from "../support/users.js";

const settings = { leaseSeconds: 60, maxAttempts: 3 };

function queueFor(db: Database, clock = new ManualClock("2026-11-27T12:00:00Z")) {
  return { clock, queue: new AnalysisQueue({ db, clock, settings, random: () => 0.5 }) };
}

const verdict = storedResult();

/** Queues an analysis for a new user; its id. */
async function enqueueFor(queue: AnalysisQueue, db: Database) {
  const user = await createUser(db);
  const created = await queue.enqueue(user.id);
  if (!created) throw new Error("nothing queued");
  return { user, analysisId: created.id };
}

/** Collects a channel's payloads; `until` resolves once the condition holds, however long that takes. */
async function listenTo(handle: DatabaseHandle, channel: string) {
  const payloads: string[] = [];
  let check = () => {};
  const unlisten = await handle.listen(channel, (payload) => {
    payloads.push(payload);
    check();
  });
  return {
    payloads,
    unlisten,
    until: (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        check = () => {
          if (condition()) resolve();
        };
        check();
      }),
  };
}

async function row(db: Database, id: string) {
  const [found] = await db.select().from(analyses).where(eq(analyses.id, id));
  if (!found) throw new Error("row missing");
  return found;
}

describe("AnalysisQueue.enqueue", () => {
  dbTest("queues a pending analysis due now, and none while the user has an active one", async ({ db }) => {
    const { queue, clock } = queueFor(db);
    const user = await createUser(db);
    const created = await queue.enqueue(user.id);
    expect(created).toMatchObject({ status: "pending", stage: "queued", progress: 0, attempts: 0 });
    const stored = await row(db, created?.id ?? "");
    expect(stored).toMatchObject({ maxAttempts: 3, runAfter: clock.now(), createdAt: clock.now() });
    expect(await queue.enqueue(user.id)).toBeUndefined();

    const [task] = (await queue.claim("worker-1", 1)) as [ClaimedTask];
    expect(await queue.enqueue(user.id)).toBeUndefined(); // processing is active too
    await queue.complete(task, verdict);
    expect((await queue.enqueue(user.id))?.id).not.toBe(task.id);
  });
});

describe("AnalysisQueue.publishDraft", () => {
  dbTest(
    "stores the draft under the lease, bounded, and every other transition clears it",
    async ({ db }) => {
      const { queue } = queueFor(db);
      const user = await createUser(db);
      await queue.enqueue(user.id);
      const [task] = (await queue.claim("worker-1", 1)) as [ClaimedTask];
      expect(await queue.publishDraft(task, "Your taste is")).toBe(true);
      expect(await row(db, task.id)).toMatchObject({ draft: "Your taste is", stage: "queued" });
      await queue.publishDraft(task, "x".repeat(DRAFT_MAX_BYTES + 10));
      const bounded = (await row(db, task.id)).draft ?? "";
      expect(bounded.startsWith("…")).toBe(true);
      expect(Buffer.byteLength(bounded, "utf8")).toBeLessThanOrEqual(DRAFT_MAX_BYTES);
      await queue.advance(task, "saving", 0.9);
      expect((await row(db, task.id)).draft).toBeNull();
      expect(await queue.publishDraft({ ...task, leaseToken: crypto.randomUUID() }, "stolen")).toBe(false);
      await queue.complete(task, { ...verdict, promptVersion: "v-test" });
      expect(await row(db, task.id)).toMatchObject({ draft: null, promptVersion: "v-test" });
      expect(await queue.publishDraft(task, "too late")).toBe(false);
    },
  );
});

describe("AnalysisQueue leases", () => {
  dbTest("claims with a lease and a fresh token per claim; only due tasks are claimed", async ({ db }) => {
    const { queue, clock } = queueFor(db);
    const begun = await enqueueFor(queue, db);
    const [task] = await queue.claim("worker-1", 5);
    expect(task).toMatchObject({ id: begun.analysisId, attempts: 1, maxAttempts: 3 });
    const claimed = await row(db, begun.analysisId);
    expect(claimed).toMatchObject({
      status: "processing",
      lockedBy: "worker-1",
      leaseToken: task?.leaseToken,
    });
    expect(claimed.lockedUntil?.getTime()).toBe(clock.now().getTime() + 60_000);
    expect(await queue.claim("worker-2", 5)).toEqual([]);
  });

  dbTest(
    "hands a task whose lease expired to another worker; the stale worker writes nothing",
    async ({ db }) => {
      const { queue, clock } = queueFor(db);
      await enqueueFor(queue, db);
      const [stale] = (await queue.claim("worker-1", 1)) as [ClaimedTask];
      expect(await queue.heartbeat(stale)).toBe(true);

      clock.advance(61_000); // worker-1 died: no heartbeat for longer than the lease
      const [fresh] = (await queue.claim("worker-2", 1)) as [ClaimedTask];
      expect(fresh.id).toBe(stale.id);
      expect(fresh.leaseToken).not.toBe(stale.leaseToken);
      expect(fresh.attempts).toBe(2);

      expect(await queue.heartbeat(stale)).toBe(false);
      expect(await queue.advance(stale, "judging", 0.7)).toBe(false);
      expect(await queue.complete(stale, { ...verdict, label: "STALE RESULT" })).toBe(false);
      expect(await queue.fail(stale, { code: "X", message: "stale" })).toBe(false);
      expect(await queue.retry(stale, { code: "X", message: "stale" })).toBe(false);
      expect(await queue.release(stale)).toBe(false);
      expect(await row(db, stale.id)).toMatchObject({
        status: "processing",
        lockedBy: "worker-2",
        label: null,
      });

      expect(await queue.complete(fresh, verdict)).toBe(true);
      expect(await row(db, fresh.id)).toMatchObject({
        status: "completed",
        label: "TEST LABEL",
        leaseToken: null,
      });
    },
  );

  dbTest("retries with backoff: pending again, not claimable until run_after", async ({ db }) => {
    const { queue, clock } = queueFor(db);
    await enqueueFor(queue, db);
    const [task] = (await queue.claim("worker-1", 1)) as [ClaimedTask];
    expect(
      await queue.retry(task, { code: "SPOTIFY_UNAVAILABLE", message: "Spotify could not be reached." }),
    ).toBe(true);
    const waiting = await row(db, task.id);
    expect(waiting).toMatchObject({ status: "pending", attempts: 1, errorCode: "SPOTIFY_UNAVAILABLE" });
    // attempt 1: ceiling 5 s, random 0.5 -> 2.5 + 1.25 = 3.75 s
    expect(waiting.runAfter.getTime() - clock.now().getTime()).toBe(3750);
    expect(await queue.claim("worker-1", 1)).toEqual([]);
    clock.advance(3751);
    expect(await queue.claim("worker-1", 1)).toHaveLength(1);
  });

  dbTest(
    "waits as long as the upstream asked, and rate limiting can give the attempt back",
    async ({ db }) => {
      const { queue, clock } = queueFor(db);
      await enqueueFor(queue, db);
      const [task] = (await queue.claim("worker-1", 1)) as [ClaimedTask];
      await queue.retry(
        task,
        { code: "SPOTIFY_RATE_LIMITED", message: "slow down" },
        { delayMs: 10_000, countAttempt: false },
      );
      const waiting = await row(db, task.id);
      expect(waiting.attempts).toBe(0);
      expect(waiting.runAfter.getTime() - clock.now().getTime()).toBe(10_000);
    },
  );

  dbTest("fails with a readable message once attempts are exhausted", async ({ db }) => {
    const { queue, clock } = queueFor(db);
    const { user } = await enqueueFor(queue, db);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [task] = (await queue.claim("worker-1", 1)) as [ClaimedTask];
      expect(task.attempts).toBe(attempt);
      await queue.retry(task, { code: "SPOTIFY_UNAVAILABLE", message: "Spotify could not be reached." });
      clock.advance(600_000);
    }
    const [last] = await db.select().from(analyses).where(eq(analyses.userId, user.id));
    expect(last).toMatchObject({ status: "failed", errorCode: "SPOTIFY_UNAVAILABLE" });
    expect(last?.errorMessage).toBe("Spotify could not be reached. Gave up after 3 attempts.");
    expect(last?.completedAt).not.toBeNull();
  });

  dbTest("fails a task whose workers kept dying instead of retrying it forever", async ({ db }) => {
    const { queue, clock } = queueFor(db);
    const begun = await enqueueFor(queue, db);
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await queue.claim(`worker-${attempt}`, 1)).toHaveLength(1);
      clock.advance(61_000); // each worker dies holding it
    }
    expect(await queue.nextDueAt()).toBeNull(); // nothing a worker could claim: no busy polling
    expect(await queue.claim("worker-4", 1)).toEqual([]);
    expect(await row(db, begun.analysisId)).toMatchObject({
      status: "failed",
      errorCode: "ATTEMPTS_EXHAUSTED",
    });
  });

  dbTest("release gives the task back at once without counting the attempt", async ({ db }) => {
    const { queue } = queueFor(db);
    await enqueueFor(queue, db);
    const [task] = (await queue.claim("worker-1", 1)) as [ClaimedTask];
    expect(await queue.release(task)).toBe(true);
    expect(await row(db, task.id)).toMatchObject({ status: "pending", attempts: 0, leaseToken: null });
    expect(await queue.claim("worker-2", 1)).toHaveLength(1);
  });
});

describe("AnalysisQueue with committed data", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createIsolatedDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  it("wakes idle workers when a task is queued or released", async () => {
    const { queue } = queueFor(handle.db);
    const user = await createUser(handle.db);
    const wakes = await listenTo(handle, QUEUE_CHANNEL);
    try {
      const analysisId = (await queue.enqueue(user.id))?.id ?? "";
      const [task] = (await queue.claim("worker-1", 10)).filter((claimed) => claimed.userId === user.id);
      expect(await queue.release(task as ClaimedTask)).toBe(true);
      const wakesOf = () => wakes.payloads.filter((payload) => payload === analysisId);
      await wakes.until(() => wakesOf().length >= 2);
      expect(wakesOf()).toHaveLength(2);
    } finally {
      await wakes.unlisten();
    }
  });

  it("NOTIFYs every transition, in order, with the row's version", async () => {
    const { queue } = queueFor(handle.db);
    const user = await createUser(handle.db);
    const notifications = await listenTo(handle, STATUS_CHANNEL);
    const eventsOf = (): StatusEvent[] =>
      notifications.payloads.map(parseStatusEvent).filter((event) => event.userId === user.id);
    try {
      const created = await queue.enqueue(user.id);
      const [task] = (await queue.claim("worker-1", 10)).filter((claimed) => claimed.userId === user.id);
      await queue.advance(task as ClaimedTask, "collecting", 0.1);
      await queue.advance(task as ClaimedTask, "profiling", 0.6);
      await queue.complete(task as ClaimedTask, storedResult({ shareToken: `share-${user.id}` }));
      await notifications.until(() => eventsOf().length >= 4);
      const events = eventsOf();
      expect(events.map((event) => [event.status, event.stage, event.progress])).toEqual([
        ["processing", "queued", 0],
        ["processing", "collecting", 0.1],
        ["processing", "profiling", 0.6],
        ["completed", "done", 1],
      ]);
      expect(events.map((event) => event.version)).toEqual([2, 3, 4, 5]);
      const [, , , done] = events;
      const stored = await row(handle.db, created?.id ?? "");
      // The payload carries the status exactly as a read of the row shows it, dates as dates.
      expect(done).toEqual({
        analysisId: stored.id,
        userId: user.id,
        version: stored.version,
        status: "completed",
        stage: "done",
        progress: 1,
        attempts: 1,
        error: null,
        createdAt: stored.createdAt,
        startedAt: stored.startedAt,
        completedAt: stored.completedAt,
        hint: null,
        draft: null,
      });
      expect(notifications.payloads.join()).not.toContain(task?.leaseToken ?? "lease");
    } finally {
      await notifications.unlisten();
    }
  });

  it("announces a failure with its error, and the payload carries no verdict", async () => {
    const { queue } = queueFor(handle.db);
    const user = await createUser(handle.db);
    const notifications = await listenTo(handle, STATUS_CHANNEL);
    const payloadsOf = () =>
      notifications.payloads.filter((payload) => parseStatusEvent(payload).userId === user.id);
    try {
      await queue.enqueue(user.id);
      const [task] = (await queue.claim("worker-1", 10)).filter((claimed) => claimed.userId === user.id);
      await queue.fail(task as ClaimedTask, { code: "SPOTIFY_ERROR", message: "Spotify said no." });
      await notifications.until(() => payloadsOf().length >= 2);
      const payload = payloadsOf()[1] ?? "";
      const failed = parseStatusEvent(payload);
      expect(failed).toMatchObject({
        status: "failed",
        error: { code: "SPOTIFY_ERROR", message: "Spotify said no." },
      });
      expect(failed.completedAt).toBeInstanceOf(Date);
      expect(Object.keys(JSON.parse(payload)).sort()).toEqual(
        [
          "attempts",
          "completedAt",
          "createdAt",
          "draft",
          "errorCode",
          "errorMessage",
          "id",
          "progress",
          "stage",
          "startedAt",
          "status",
          "userId",
          "version",
        ].sort(),
      );
    } finally {
      await notifications.unlisten();
    }
  });
});

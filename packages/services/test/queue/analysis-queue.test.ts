import { analyses, type Database, type DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase, dbTest } from "@unwrapped/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { RateLimitedError } from "../../src/errors.js";
import {
  AnalysisQueue,
  type ClaimedTask,
  parseStatusEvent,
  type StatusEvent,
} from "../../src/queue/analysis-queue.js";
import { QUEUE_CHANNEL, STATUS_CHANNEL } from "../../src/queue/channels.js";
import { createUser } from "../support/users.js";

const settings = { leaseSeconds: 60, maxAttempts: 3, freshCooldownSeconds: 60 };

function queueFor(db: Database, clock = new ManualClock("2026-11-27T12:00:00Z")) {
  return { clock, queue: new AnalysisQueue({ db, clock, settings, random: () => 0.5 }) };
}

const verdict = {
  judge: "rules" as const,
  profile: { version: 1 },
  label: "TEST LABEL",
  description: "words",
  criticalAcclaim: 0.5,
  mainstream: 0.5,
  shareToken: "share-token-0123456789abcdef",
};

async function row(db: Database, id: string) {
  const [found] = await db.select().from(analyses).where(eq(analyses.id, id));
  if (!found) throw new Error("row missing");
  return found;
}

describe("AnalysisQueue.begin", () => {
  dbTest("creates one pending analysis and returns it again while it is active", async ({ db }) => {
    const { queue } = queueFor(db);
    const user = await createUser(db);
    const first = await queue.begin(user.id);
    expect(first).toMatchObject({
      status: "pending",
      stage: "queued",
      progress: 0,
      attempts: 0,
      error: null,
    });
    const again = await queue.begin(user.id, { fresh: true });
    expect(again.analysisId).toBe(first.analysisId);
  });

  dbTest("returns the latest completed analysis unless fresh; fresh is rate limited", async ({ db }) => {
    const { queue, clock } = queueFor(db);
    const user = await createUser(db);
    const started = await queue.begin(user.id);
    const [task] = await queue.claim("worker-1", 1);
    expect(await queue.complete(task as ClaimedTask, verdict)).toBe(true);

    expect((await queue.begin(user.id)).analysisId).toBe(started.analysisId);
    const error = await queue.begin(user.id, { fresh: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(60);
    expect((error as RateLimitedError).message).toMatch(/Try again in 60 s/);

    clock.advance(61_000);
    const fresh = await queue.begin(user.id, { fresh: true });
    expect(fresh.analysisId).not.toBe(started.analysisId);
    expect(fresh.status).toBe("pending");
  });

  dbTest("creates a new analysis after a failed one", async ({ db }) => {
    const { queue } = queueFor(db);
    const user = await createUser(db);
    await queue.begin(user.id);
    const [task] = await queue.claim("worker-1", 1);
    await queue.fail(task as ClaimedTask, { code: "SPOTIFY_ERROR", message: "no" });
    const next = await queue.begin(user.id);
    expect(next.status).toBe("pending");
    expect(next.analysisId).not.toBe(task?.id);
  });
});

describe("AnalysisQueue leases", () => {
  dbTest("claims with a lease and a fresh token per claim; only due tasks are claimed", async ({ db }) => {
    const { queue, clock } = queueFor(db);
    const user = await createUser(db);
    const begun = await queue.begin(user.id);
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
      const user = await createUser(db);
      await queue.begin(user.id);
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
    const user = await createUser(db);
    await queue.begin(user.id);
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
      const user = await createUser(db);
      await queue.begin(user.id);
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
    const user = await createUser(db);
    await queue.begin(user.id);
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
    const user = await createUser(db);
    const begun = await queue.begin(user.id);
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
    const user = await createUser(db);
    await queue.begin(user.id);
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

  it("turns 50 concurrent begin calls for one user into one analysis", async () => {
    const { queue } = queueFor(handle.db);
    const user = await createUser(handle.db);
    const results = await Promise.all(Array.from({ length: 50 }, () => queue.begin(user.id)));
    expect(new Set(results.map((result) => result.analysisId)).size).toBe(1);
    const rows = await handle.db.select().from(analyses).where(eq(analyses.userId, user.id));
    expect(rows).toHaveLength(1);
  });

  it("wakes idle workers when a task is queued or released", async () => {
    const { queue } = queueFor(handle.db);
    const user = await createUser(handle.db);
    const woken: string[] = [];
    const unlisten = await handle.listen(QUEUE_CHANNEL, (payload) => woken.push(payload));
    try {
      const begun = await queue.begin(user.id);
      const [task] = (await queue.claim("worker-1", 10)).filter((claimed) => claimed.userId === user.id);
      expect(await queue.release(task as ClaimedTask)).toBe(true);
      const deadline = Date.now() + 5000;
      while (woken.filter((id) => id === begun.analysisId).length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(woken.filter((id) => id === begun.analysisId)).toHaveLength(2);
    } finally {
      await unlisten();
    }
  });

  it("NOTIFYs every transition, in order, with the row's version", async () => {
    const { queue } = queueFor(handle.db);
    const user = await createUser(handle.db);
    const events: StatusEvent[] = [];
    const unlisten = await handle.listen(STATUS_CHANNEL, (payload) => {
      const event = parseStatusEvent(payload);
      if (event.userId === user.id) events.push(event);
    });
    try {
      await queue.begin(user.id);
      await handle.db.execute(sql`select 1`);
      const [task] = (await queue.claim("worker-1", 10)).filter((claimed) => claimed.userId === user.id);
      await queue.advance(task as ClaimedTask, "collecting", 0.1);
      await queue.advance(task as ClaimedTask, "profiling", 0.6);
      await queue.complete(task as ClaimedTask, { ...verdict, shareToken: `share-${user.id}` });
      const deadline = Date.now() + 5000;
      while (events.length < 4 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(events.map((event) => [event.status, event.stage, event.progress])).toEqual([
        ["processing", "queued", 0],
        ["processing", "collecting", 0.1],
        ["processing", "profiling", 0.6],
        ["completed", "done", 1],
      ]);
      const versions = events.map((event) => event.version);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      expect(events[3]?.completedAt).toBeInstanceOf(Date);
    } finally {
      await unlisten();
    }
  });
});

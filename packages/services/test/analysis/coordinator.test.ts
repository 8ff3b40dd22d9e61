import { analyses, type Database, spotifyCredentials } from "@unwrapped/db";
import { dbTest } from "@unwrapped/db/testing";
import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect } from "vitest";
import { LlmJudge } from "../../src/analysis/llm-judge.js";
import { RulesJudge } from "../../src/analysis/rules-judge/rules-judge.js";
import type { TasteProfile } from "../../src/analysis/taste-profile.js";
import type { Judge } from "../../src/analysis/types.js";
import { findUserWithConnection } from "../../src/auth/users.js";
import { ManualClock, systemTimers } from "../../src/clock.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import { silentLogger } from "../../src/testing/index.js";
import { type LlmStub, llmReplies, startLlmStub } from "../support/llm-stub.js";
import { pipeline, testCipher } from "../support/pipeline.js";
import { connectPersona, startTestSandbox } from "../support/spotify-connection.js";

async function claimFor(queue: ReturnType<typeof pipeline>["queue"], userId: string) {
  await queue.enqueue(userId);
  const claimed = await queue.claim("test-worker", 50);
  const task = claimed.find((candidate) => candidate.userId === userId);
  if (!task) throw new Error("nothing claimed");
  return task;
}

async function rowOf(db: Database, id: string) {
  const [row] = await db.select().from(analyses).where(eq(analyses.id, id));
  if (!row) throw new Error("row missing");
  return row;
}

/** A queue whose retry finds the database unreachable the first `outages` times. */
class QueueWithOutage extends AnalysisQueue {
  outages = 0;
  override async retry(...args: Parameters<AnalysisQueue["retry"]>) {
    if (this.outages > 0) {
      this.outages--;
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    }
    return super.retry(...args);
  }
}

describe("Coordinator", () => {
  let sandbox: RunningSandbox;
  let llm: LlmStub;
  // The sandbox, the queue and the token service share one clock that only the tests move.
  const clock = new ManualClock();
  beforeAll(async () => {
    sandbox = await startTestSandbox({ now: () => clock.now().getTime() });
    llm = await startLlmStub();
  });
  afterEach(() => sandbox.controls.reset());
  afterAll(async () => {
    await sandbox.close();
    await llm.close();
  });

  dbTest(
    "runs token -> collect -> profile -> judge -> save and completes with a share token",
    async ({ db }) => {
      const { queue, coordinator } = pipeline(db, sandbox, { clock });
      const { user } = await connectPersona(db, sandbox, testCipher, "metalhead", { clock });
      const task = await claimFor(queue, user.id);
      expect(await coordinator.run(task)).toBe("completed");
      const row = await rowOf(db, task.id);
      expect(row).toMatchObject({
        status: "completed",
        stage: "done",
        progress: 1,
        judge: "rules",
        leaseToken: null,
      });
      expect(row.shareToken).toMatch(/^[A-Za-z0-9_-]{32}$/); // 192 bits, URL-safe
      expect(row.label).toMatch(/^[A-Z]/);
      expect((row.profile as { counts: { artists: number } }).counts.artists).toBeGreaterThan(5);
      expect(row.version).toBe(7); // created, claimed, collecting, profiling, judging, saving, done
    },
  );

  dbTest("writes the verdict in the tone the analysis asked for, with the same facts", async ({ db }) => {
    const { queue, coordinator } = pipeline(db, sandbox, { clock });
    const { user } = await connectPersona(db, sandbox, testCipher, "chart-pop", { clock });
    await queue.enqueue(user.id, { tone: "savage" });
    const [task] = (await queue.claim("test-worker", 50)).filter((claimed) => claimed.userId === user.id);
    if (!task) throw new Error("nothing claimed");
    expect(task.tone).toBe("savage");
    expect(await coordinator.run(task)).toBe("completed");
    const row = await rowOf(db, task.id);
    const profile = row.profile as TasteProfile;
    const context = { displayName: user.displayName };
    const savage = await new RulesJudge().judge(profile, { ...context, tone: "savage" });
    const balanced = await new RulesJudge().judge(profile, context);
    expect(row).toMatchObject({ tone: "savage", description: savage.description, label: balanced.label });
    expect(row.description).not.toBe(balanced.description);
    expect(row.promptVersion).toBeNull();
  });

  dbTest("gives the sandbox's different personas different labels", async ({ db }) => {
    const { queue, coordinator } = pipeline(db, sandbox, { clock });
    const labels = new Map<string, string>();
    for (const persona of [
      "indie-obscurist",
      "chart-pop",
      "metalhead",
      "jazz-soul-nostalgic",
      "hip-hop-head",
    ]) {
      const { user } = await connectPersona(db, sandbox, testCipher, persona, { clock });
      const task = await claimFor(queue, user.id);
      expect(await coordinator.run(task)).toBe("completed");
      labels.set(persona, (await rowOf(db, task.id)).label ?? "");
    }
    expect(new Set(labels.values()).size).toBe(labels.size);
  });

  dbTest("completes for a development-mode listener, naming what could not be computed", async ({ db }) => {
    const { queue, coordinator } = pipeline(db, sandbox, { clock });
    const { user } = await connectPersona(db, sandbox, testCipher, "chart-pop", { clock });
    sandbox.controls.setDevelopmentMode(true);
    const task = await claimFor(queue, user.id);
    expect(await coordinator.run(task)).toBe("completed");
    const profile = (await rowOf(db, task.id)).profile as {
      unavailableMetrics: string[];
      averagePopularity: null;
    };
    expect(profile.averagePopularity).toBeNull();
    expect(profile.unavailableMetrics).toContain("averagePopularity");
  });

  dbTest("fails with 'sign in again' when Spotify refuses the refresh token", async ({ db }) => {
    const { queue, coordinator } = pipeline(db, sandbox, { clock });
    const { user } = await connectPersona(db, sandbox, testCipher, "metalhead", { clock });
    await db
      .update(spotifyCredentials)
      .set({ accessTokenExpiresAt: new Date(clock.now().getTime() - 1000) })
      .where(eq(spotifyCredentials.userId, user.id));
    sandbox.controls.revokeRefreshTokens();
    const task = await claimFor(queue, user.id);
    expect(await coordinator.run(task)).toBe("failed");
    const row = await rowOf(db, task.id);
    expect(row).toMatchObject({ status: "failed", errorCode: "SPOTIFY_REAUTHORIZATION_REQUIRED" });
    expect(row.errorMessage).toMatch(/Sign in with Spotify again/);
    const me = await findUserWithConnection(db, user.id, clock);
    expect(me.spotify).toEqual({ connected: true, reauthorizationRequired: true });
  });

  dbTest(
    "fails with the development-mode message for a listener the app's owner has not added",
    async ({ db }) => {
      const { queue, coordinator } = pipeline(db, sandbox);
      // Signed in before the app went into development mode; five others use it since.
      const { user } = await connectPersona(db, sandbox, testCipher, "classical-curator");
      sandbox.controls.setDevelopmentMode(true);
      for (const persona of ["metalhead", "chart-pop", "indie-obscurist", "hip-hop-head", "seed:5"])
        await connectPersona(db, sandbox, testCipher, persona);
      const task = await claimFor(queue, user.id);
      expect(await coordinator.run(task)).toBe("failed");
      const row = await rowOf(db, task.id);
      expect(row).toMatchObject({ status: "failed", errorCode: "SPOTIFY_USER_NOT_REGISTERED" });
      expect(row.errorMessage).toMatch(
        /^This app is in Spotify's development mode and is limited to listeners its owner has added/,
      );
    },
  );

  dbTest("fails, not retries, when Spotify's quota for the app is used up", async ({ db }) => {
    const { queue, coordinator } = pipeline(db, sandbox);
    const { user } = await connectPersona(db, sandbox, testCipher, "metalhead");
    sandbox.controls.exceedQuotaUntil(Date.now() + 3_600_000);
    const task = await claimFor(queue, user.id);
    expect(await coordinator.run(task)).toBe("failed");
    const row = await rowOf(db, task.id);
    expect(row).toMatchObject({ status: "failed", errorCode: "SPOTIFY_QUOTA_EXCEEDED" });
    expect(row.errorMessage).toMatch(/used up its Spotify request quota/);
  });

  dbTest("goes back to pending with backoff when Spotify is down", async ({ db }) => {
    const { queue, coordinator } = pipeline(db, sandbox, { clock });
    const { user } = await connectPersona(db, sandbox, testCipher, "metalhead", { clock });
    sandbox.controls.failNext(10_000, 503);
    const task = await claimFor(queue, user.id);
    expect(await coordinator.run(task)).toBe("retrying");
    const row = await rowOf(db, task.id);
    expect(row).toMatchObject({ status: "pending", errorCode: "SPOTIFY_UNAVAILABLE", attempts: 1 });
    expect(row.runAfter.getTime() - clock.now().getTime()).toBe(3750); // attempt 1: 5 s ceiling, jitter 0.5
  });

  dbTest("records the retry once the database is back after a short outage", async ({ db }) => {
    const queue = new QueueWithOutage({
      db,
      clock,
      settings: { leaseSeconds: 60, maxAttempts: 3 },
      random: () => 0.5,
    });
    const { coordinator } = pipeline(db, sandbox, { clock, timers: clock, queue });
    const { user } = await connectPersona(db, sandbox, testCipher, "metalhead", { clock });
    sandbox.controls.failNext(10_000, 503);
    const task = await claimFor(queue, user.id);
    queue.outages = 2;
    const running = coordinator.run(task);
    // The write is tried again after 250 ms, then 500 ms: time the test hands over.
    await clock.untilTimer(250);
    clock.advance(250);
    await clock.untilTimer(500);
    clock.advance(500);
    expect(await running).toBe("retrying");
    expect(await rowOf(db, task.id)).toMatchObject({ status: "pending", errorCode: "SPOTIFY_UNAVAILABLE" });
  });

  dbTest("gives up recording after 30 seconds of outage, leaving the task to its lease", async ({ db }) => {
    const queue = new QueueWithOutage({
      db,
      clock,
      settings: { leaseSeconds: 60, maxAttempts: 3 },
      random: () => 0.5,
    });
    const { coordinator } = pipeline(db, sandbox, { clock, timers: clock, queue });
    const { user } = await connectPersona(db, sandbox, testCipher, "metalhead", { clock });
    sandbox.controls.failNext(10_000, 503);
    const task = await claimFor(queue, user.id);
    queue.outages = Number.POSITIVE_INFINITY;
    const started = clock.now().getTime();
    let settled = false;
    const running = coordinator.run(task).then(
      () => "finished",
      (error: unknown) => error,
    );
    void running.then(() => {
      settled = true;
    });
    const waits: number[] = [];
    for (let delay = 250; !settled; delay = Math.min(delay * 2, 4_000)) {
      await Promise.race([clock.untilTimer(delay), running]);
      if (settled) break;
      waits.push(delay);
      clock.advance(delay);
    }
    expect(await running).toMatchObject({ code: "ECONNREFUSED" });
    expect(waits.slice(0, 5)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(clock.now().getTime() - started).toBeLessThanOrEqual(30_000);
    expect(clock.now().getTime() - started + 4_000).toBeGreaterThan(30_000);
    expect(await rowOf(db, task.id)).toMatchObject({ status: "processing" });
  });

  dbTest("is delayed, not failed, while Spotify rate limits for 10 seconds", async ({ db }) => {
    const { queue, coordinator } = pipeline(db, sandbox, { clock });
    const { user } = await connectPersona(db, sandbox, testCipher, "metalhead", { clock });
    sandbox.controls.rateLimitUntil(clock.now().getTime() + 10_000);
    const task = await claimFor(queue, user.id);
    expect(await coordinator.run(task)).toBe("retrying");
    const row = await rowOf(db, task.id);
    expect(row).toMatchObject({ status: "pending", errorCode: "SPOTIFY_RATE_LIMITED" });
    expect(row.runAfter.getTime() - clock.now().getTime()).toBe(10_000); // as long as Retry-After said
  });

  dbTest("drops its result when it lost the lease mid-run", async ({ db }) => {
    let takeOver: () => Promise<void> = async () => {};
    const judge: Judge = {
      async judge(profile, context) {
        await takeOver(); // another worker claims the task while this one is judging
        return new RulesJudge().judge(profile, context);
      },
    };
    const { queue, coordinator } = pipeline(db, sandbox, { judge, clock });
    const { user } = await connectPersona(db, sandbox, testCipher, "metalhead", { clock });
    const task: ClaimedTask = await claimFor(queue, user.id);
    takeOver = async () => {
      await db.execute(
        sql`update analyses set lease_token = gen_random_uuid(), locked_by = 'other' where id = ${task.id}`,
      );
    };
    expect(await coordinator.run(task)).toBe("lost");
    const row = await rowOf(db, task.id);
    expect(row).toMatchObject({ status: "processing", lockedBy: "other", label: null, shareToken: null });
  });

  dbTest("uses the LLM's verdict when it answers, and the rules judge when it is down", async ({ db }) => {
    const settings = { baseUrl: llm.baseUrl, apiKey: "test-key", model: "test-model", timeoutMs: 2_000 };
    const llmJudge = new LlmJudge(settings, {
      fallback: new RulesJudge(),
      logger: silentLogger,
      timers: systemTimers,
    });
    const { queue, coordinator } = pipeline(db, sandbox, { judge: llmJudge, clock });

    llm.enqueue(llmReplies.verdict({ criticalAcclaim: 1.4 }));
    const first = await connectPersona(db, sandbox, testCipher, "jazz-soul-nostalgic", { clock });
    const task = await claimFor(queue, first.user.id);
    expect(await coordinator.run(task)).toBe("completed");
    expect(await rowOf(db, task.id)).toMatchObject({
      judge: "llm",
      label: "STUBBED TASTE CONNOISSEUR",
      criticalAcclaim: 1,
    });
    const prompt = llm.requests.at(-1)?.prompt ?? "";
    expect(prompt).not.toMatch(/@example\.com|Bearer|BQ[A-Za-z0-9_-]{20}/);

    const down = new LlmJudge(
      { ...settings, baseUrl: "http://127.0.0.1:1/v1" },
      { fallback: new RulesJudge(), logger: silentLogger, timers: systemTimers },
    );
    const fallback = pipeline(db, sandbox, { judge: down, clock });
    const second = await connectPersona(db, sandbox, testCipher, "hip-hop-head", { clock });
    const secondTask = await claimFor(fallback.queue, second.user.id);
    expect(await fallback.coordinator.run(secondTask)).toBe("completed");
    expect((await rowOf(db, secondTask.id)).judge).toBe("rules");
  });
});

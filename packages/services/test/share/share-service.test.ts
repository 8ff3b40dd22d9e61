import { dbTest } from "@unwrapped/db/testing";
import { describe, expect } from "vitest";
import { Profiler } from "../../src/analysis/profiler.js";
import { ManualClock } from "../../src/clock.js";
import { NotFoundError, PreconditionFailedError } from "../../src/errors.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import { ShareService } from "../../src/share/share-service.js";
import { obscureIndie } from "../support/listening-fixtures.js";
import { createUser } from "../support/users.js";

function setup(db: Parameters<typeof createUser>[0]) {
  const clock = new ManualClock();
  const queue = new AnalysisQueue({
    db,
    clock,
    settings: { leaseSeconds: 60, maxAttempts: 3 },
  });
  return { queue, shares: new ShareService({ db, clock, publicUrl: "https://unwrapped.example" }) };
}

async function completedAnalysis(
  db: Parameters<typeof createUser>[0],
  queue: AnalysisQueue,
  shareToken: string,
) {
  const user = await createUser(db, { displayName: "Robin", email: "robin@example.com" });
  await queue.enqueue(user.id);
  const task = (await queue.claim("worker", 100)).find(
    (claimed) => claimed.userId === user.id,
  ) as ClaimedTask;
  await queue.complete(task, {
    judge: "rules",
    promptVersion: null,
    profile: new Profiler().profile(obscureIndie),
    label: "UNDERGROUND INDIE CRATE-DIGGER",
    description: "A verdict.",
    criticalAcclaim: 0.8,
    mainstream: 0.2,
    shareToken,
  });
  return { user, analysisId: task.id };
}

describe("ShareService", () => {
  dbTest("shows the public verdict behind a token, without private details", async ({ db }) => {
    const { queue, shares } = setup(db);
    await completedAnalysis(db, queue, "public-token-000000000000000000");
    const shared = await shares.get("public-token-000000000000000000");
    expect(shared).toMatchObject({
      label: "UNDERGROUND INDIE CRATE-DIGGER",
      displayName: "Robin",
      mainstream: 0.2,
    });
    expect(shared.profile.topArtists.length).toBeGreaterThan(0);
    const text = JSON.stringify(shared);
    expect(text).not.toContain("robin@example.com");
    expect(text).not.toMatch(/spotify-|"id":/);
    await expect(shares.get("no-such-token-0000000000000000")).rejects.toBeInstanceOf(NotFoundError);
  });

  dbTest("revoke hides the verdict; rotate makes a new link and retires the old one", async ({ db }) => {
    const { queue, shares } = setup(db);
    const { user, analysisId } = await completedAnalysis(db, queue, "original-token-0000000000000000");
    await shares.revoke(user.id, analysisId);
    await expect(shares.get("original-token-0000000000000000")).rejects.toBeInstanceOf(NotFoundError);
    await shares.revoke(user.id, analysisId); // idempotent

    const rotated = await shares.rotate(user.id, analysisId);
    expect(rotated.shareToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(rotated.shareUrl).toBe(`https://unwrapped.example/s/${rotated.shareToken}`);
    await expect(shares.get(rotated.shareToken)).resolves.toMatchObject({
      label: "UNDERGROUND INDIE CRATE-DIGGER",
    });
    await expect(shares.get("original-token-0000000000000000")).rejects.toBeInstanceOf(NotFoundError);
  });

  dbTest("only the owner can revoke or rotate, and only a completed analysis", async ({ db }) => {
    const { queue, shares } = setup(db);
    const { analysisId } = await completedAnalysis(db, queue, "owner-token-000000000000000000");
    const stranger = await createUser(db);
    await expect(shares.revoke(stranger.id, analysisId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(shares.rotate(stranger.id, analysisId)).rejects.toBeInstanceOf(NotFoundError);
    const pendingOwner = await createUser(db);
    const pending = await queue.enqueue(pendingOwner.id);
    await expect(shares.rotate(pendingOwner.id, pending?.id ?? "")).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  dbTest("gives the owner their verdict while sharing is off, and nobody else", async ({ db }) => {
    const { queue, shares } = setup(db);
    const { user, analysisId } = await completedAnalysis(db, queue, "own-token-0000000000000000000");
    await expect(shares.getWithAnalysis("own-token-0000000000000000000")).resolves.toMatchObject({
      analysisId,
      verdict: { label: "UNDERGROUND INDIE CRATE-DIGGER" },
    });
    await shares.revoke(user.id, analysisId);
    await expect(shares.getWithAnalysis("own-token-0000000000000000000")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(shares.getOwn(user.id, analysisId)).resolves.toMatchObject({
      analysisId,
      verdict: { label: "UNDERGROUND INDIE CRATE-DIGGER", displayName: "Robin" },
    });
    const stranger = await createUser(db);
    await expect(shares.getOwn(stranger.id, analysisId)).rejects.toBeInstanceOf(NotFoundError);
    const pending = await queue.enqueue(stranger.id);
    await expect(shares.getOwn(stranger.id, pending?.id ?? "")).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });
});

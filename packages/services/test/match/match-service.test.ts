import { analyses, type Database, type DatabaseHandle, matches } from "@unwrapped/db";
import { dbTest } from "@unwrapped/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect } from "vitest";
import { Profiler } from "../../src/analysis/profiler.js";
import type { ListeningData } from "../../src/analysis/types.js";
import { ManualClock } from "../../src/clock.js";
import { NotFoundError, PreconditionFailedError, ValidationError } from "../../src/errors.js";
import { MatchRulesJudge } from "../../src/match/match-rules-judge.js";
import { MatchService } from "../../src/match/match-service.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import { createServices } from "../../src/services.js";
import { ShareService } from "../../src/share/share-service.js";
import { silentLogger, testConfig } from "../../src/testing/index.js";
import { chartPop, obscureIndie } from "../support/listening-fixtures.js";
import { descriptionOf, startLlmStub } from "../support/llm-stub.js";
import { createUser } from "../support/users.js";

const PUBLIC_URL = "https://unwrapped.example";

function setup(db: Database) {
  const clock = new ManualClock(new Date("2026-06-01T10:00:00.000Z"));
  const queue = new AnalysisQueue({ db, clock, settings: { leaseSeconds: 60, maxAttempts: 3 } });
  return {
    clock,
    queue,
    shares: new ShareService({ db, clock, publicUrl: PUBLIC_URL }),
    matches: new MatchService({ db, clock, publicUrl: PUBLIC_URL, judge: new MatchRulesJudge() }),
  };
}

let tokens = 0;

async function listenerWithVerdict(
  db: Database,
  queue: AnalysisQueue,
  listening: ListeningData,
  displayName: string,
) {
  const user = await createUser(db, { displayName, email: `${displayName.toLowerCase()}@private.example` });
  await queue.enqueue(user.id, { tone: "savage" });
  const task = (await queue.claim("worker", 100)).find(
    (claimed) => claimed.userId === user.id,
  ) as ClaimedTask;
  const shareToken = `share-${displayName}-${++tokens}`.padEnd(32, "0");
  await queue.complete(task, {
    judge: "rules",
    profile: new Profiler().profile(listening),
    label: `${displayName.toUpperCase()} SOUND`,
    description: "A verdict.",
    criticalAcclaim: 0.7,
    mainstream: 0.3,
    shareToken,
    promptVersion: null,
  });
  return { user, analysisId: task.id, shareToken };
}

describe("MatchService", () => {
  dbTest("matches my latest verdict with a shared one, in my verdict's tone", async ({ db }) => {
    const { queue, matches: service } = setup(db);
    const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
    const friend = await listenerWithVerdict(db, queue, chartPop, "Sam");

    const match = await service.create(me.user.id, { shareToken: friend.shareToken });
    expect(match.compatibility).toBeGreaterThanOrEqual(0);
    expect(match.compatibility).toBeLessThanOrEqual(1);
    expect(match).toMatchObject({ tone: "savage", judge: "rules" });
    expect(match.you).toMatchObject({ displayName: "Robin", label: "ROBIN SOUND" });
    expect(match.them).toMatchObject({ displayName: "Sam", label: "SAM SOUND" });
    expect(match.shareUrl).toBe(`${PUBLIC_URL}/m/${match.shareToken}`);
    expect(match.label.length).toBeGreaterThan(0);
    expect(await service.get(me.user.id, match.matchId)).toEqual(match);

    const gentle = await service.create(me.user.id, { shareToken: friend.shareToken, tone: "gentle" });
    expect(gentle.tone).toBe("gentle");
  });

  dbTest("never exposes fields outside the other share's public subset", async ({ db }) => {
    const { queue, shares, matches: service } = setup(db);
    const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
    const friend = await listenerWithVerdict(db, queue, chartPop, "Sam");
    const match = await service.create(me.user.id, { shareToken: friend.shareToken });

    const { analyzedAt: _at, ...them } = match.them;
    const { analyzedAt: _sharedAt, ...shared } = await shares.get(friend.shareToken);
    expect(them).toEqual(shared);
    const text = JSON.stringify([match, await service.getPublic(match.shareToken ?? "")]);
    for (const secret of [
      friend.user.email,
      friend.user.spotifyId,
      friend.user.id,
      friend.analysisId,
      friend.shareToken,
      me.user.email,
      me.user.spotifyId,
      me.user.id,
    ]) {
      if (secret) expect(text).not.toContain(secret);
    }
    // The stored snapshot holds the public subset only: no ids, popularity or release years.
    const [row] = await db.select().from(matches).where(eq(matches.id, match.matchId));
    expect(JSON.stringify(row?.otherSnapshot)).not.toMatch(
      /"id"|"popularity"|"releaseYear"|"unavailableMetrics"/,
    );
  });

  dbTest("a revoked share cannot be matched; a rotated-away token neither", async ({ db }) => {
    const { queue, shares, matches: service } = setup(db);
    const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
    const friend = await listenerWithVerdict(db, queue, chartPop, "Sam");
    await shares.revoke(friend.user.id, friend.analysisId);
    await expect(service.create(me.user.id, { shareToken: friend.shareToken })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const rotated = await shares.rotate(friend.user.id, friend.analysisId);
    await expect(service.create(me.user.id, { shareToken: friend.shareToken })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(service.create(me.user.id, { shareToken: rotated.shareToken })).resolves.toBeTruthy();
  });

  dbTest("refuses my own share and a listener without a verdict", async ({ db }) => {
    const { queue, matches: service } = setup(db);
    const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
    await expect(service.create(me.user.id, { shareToken: me.shareToken })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const newcomer = await createUser(db);
    await expect(service.create(newcomer.id, { shareToken: me.shareToken })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  dbTest("get, list and delete are the owner's only; list pages newest first", async ({ db }) => {
    const { clock, queue, matches: service } = setup(db);
    const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
    const friend = await listenerWithVerdict(db, queue, chartPop, "Sam");
    const created = [];
    for (let index = 0; index < 3; index++) {
      created.push(await service.create(me.user.id, { shareToken: friend.shareToken }));
      clock.advance(1000);
    }
    const first = await service.list(me.user.id, { limit: 2 });
    expect(first.items.map((item) => item.matchId)).toEqual([created[2]?.matchId, created[1]?.matchId]);
    const second = await service.list(me.user.id, { limit: 2, cursor: first.nextCursor ?? "" });
    expect(second.items.map((item) => item.matchId)).toEqual([created[0]?.matchId]);
    expect(second.nextCursor).toBeNull();
    await expect(service.list(me.user.id, { cursor: "garbage" })).rejects.toBeInstanceOf(ValidationError);

    // The other listener is not told: they see no match, and cannot reach mine.
    expect((await service.list(friend.user.id)).items).toEqual([]);
    const matchId = created[0]?.matchId ?? "";
    await expect(service.get(friend.user.id, matchId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.delete(friend.user.id, matchId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.revokeShare(friend.user.id, matchId)).rejects.toBeInstanceOf(NotFoundError);

    await service.delete(me.user.id, matchId);
    await expect(service.get(me.user.id, matchId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.delete(me.user.id, matchId)).rejects.toBeInstanceOf(NotFoundError);
  });

  dbTest("the public link is revocable and rotatable like a share", async ({ db }) => {
    const { queue, matches: service } = setup(db);
    const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
    const friend = await listenerWithVerdict(db, queue, chartPop, "Sam");
    const match = await service.create(me.user.id, { shareToken: friend.shareToken });
    const token = match.shareToken ?? "";
    await expect(service.getPublic(token)).resolves.toMatchObject({ label: match.label });

    await service.revokeShare(me.user.id, match.matchId);
    await expect(service.getPublic(token)).rejects.toBeInstanceOf(NotFoundError);
    expect(await service.get(me.user.id, match.matchId)).toMatchObject({ shareToken: null, shareUrl: null });

    const rotated = await service.rotateShare(me.user.id, match.matchId);
    expect(rotated.shareUrl).toBe(`${PUBLIC_URL}/m/${rotated.shareToken}`);
    await expect(service.getPublic(rotated.shareToken)).resolves.toMatchObject({ label: match.label });
    await expect(service.getPublic(token)).rejects.toBeInstanceOf(NotFoundError);
  });

  dbTest("a match goes when the verdict it was made against goes", async ({ db }) => {
    const { queue, matches: service } = setup(db);
    const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
    const friend = await listenerWithVerdict(db, queue, chartPop, "Sam");
    const match = await service.create(me.user.id, { shareToken: friend.shareToken });
    await db.delete(analyses).where(eq(analyses.id, friend.analysisId));
    await expect(service.get(me.user.id, match.matchId)).rejects.toBeInstanceOf(NotFoundError);
  });

  dbTest(
    "with LLM_BASE_URL set, the joint verdict is the LLM's, and the rules' when it fails",
    async ({ db }) => {
      const llm = await startLlmStub();
      try {
        const database = { db, kind: "pglite" } as unknown as DatabaseHandle;
        const services = createServices({
          config: testConfig({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: "stub-model" }),
          database,
          logger: silentLogger,
        });
        const { queue } = setup(db);
        const me = await listenerWithVerdict(db, queue, obscureIndie, "Robin");
        const friend = await listenerWithVerdict(db, queue, chartPop, "Sam");

        llm.enqueue({ content: { label: "TWO ODD SOCKS", description: descriptionOf(100) } });
        const byLlm = await services.matches.create(me.user.id, { shareToken: friend.shareToken });
        expect(byLlm).toMatchObject({ judge: "llm", label: "TWO ODD SOCKS" });
        expect(llm.requests[0]?.prompt).not.toContain("private.example");

        llm.enqueue({ status: 500, content: "down" });
        const byRules = await services.matches.create(me.user.id, { shareToken: friend.shareToken });
        expect(byRules.judge).toBe("rules");
      } finally {
        await llm.close();
      }
    },
  );
});

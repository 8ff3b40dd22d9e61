import { randomUUID } from "node:crypto";
import { users } from "@unwrapped/db";
import { describe, expect } from "vitest";
import { type ApiScope, apiTest, type SignedInListener } from "../support/api-fixture.js";
import { rejectionOf } from "../support/error-shape.js";

/** Signs `persona` in and runs their first analysis to completion inside the test's transaction. */
async function listenerWithVerdict(api: ApiScope, persona: string): Promise<SignedInListener> {
  const listener = await api.signIn(persona);
  const begun = await api.caller(listener.accessToken).analysis.begin();
  const task = (await api.services.queue.claim("test-worker", 10)).find(
    (claimed) => claimed.id === begun.analysisId,
  );
  if (!task) throw new Error("the analysis was not claimed");
  await api.services.coordinator.run(task);
  expect((await api.caller(listener.accessToken).analysis.status()).status).toBe("completed");
  return listener;
}

describe("match router", () => {
  apiTest(
    "create matches my latest verdict with a friend's share; get, list and delete are mine",
    async ({ api }) => {
      const friend = await listenerWithVerdict(api, "chart-pop");
      const friendsShare = await api.caller(friend.accessToken).analysis.result();
      const me = api.caller(api.world.listener.accessToken);

      const match = await me.match.create({ shareToken: friendsShare.shareToken ?? "" });
      expect(match.compatibility).toBeGreaterThanOrEqual(0);
      expect(match.compatibility).toBeLessThanOrEqual(1);
      expect(match.them.label).toBe(friendsShare.label);
      expect(match.createdAt).toBeInstanceOf(Date);
      expect(match.shareUrl).toBe(`${api.world.config.server.publicUrl}/m/${match.shareToken}`);
      await expect(me.match.get({ matchId: match.matchId })).resolves.toEqual(match);
      expect((await me.match.list()).items.map((item) => item.matchId)).toEqual([match.matchId]);

      // The other listener is not told and cannot reach it.
      const them = api.caller(friend.accessToken);
      expect((await them.match.list()).items).toEqual([]);
      expect((await rejectionOf(them.match.get({ matchId: match.matchId }))).code).toBe("NOT_FOUND");

      const text = JSON.stringify(match);
      const friendMe = await them.auth.me();
      for (const secret of [friendMe.email, friendMe.spotifyId, friend.userId, friendsShare.analysisId]) {
        if (secret) expect(text).not.toContain(secret);
      }

      await expect(me.match.delete({ matchId: match.matchId })).resolves.toEqual({ ok: true });
      expect((await rejectionOf(me.match.get({ matchId: match.matchId }))).code).toBe("NOT_FOUND");
    },
  );

  apiTest("a revoked share cannot be matched, and the answer is a clear 404", async ({ api }) => {
    const friend = await listenerWithVerdict(api, "jazz-soul-nostalgic");
    const friendCaller = api.caller(friend.accessToken);
    const share = await friendCaller.analysis.result();
    await friendCaller.share.revoke({ analysisId: share.analysisId });
    const rejection = await rejectionOf(
      api.caller(api.world.listener.accessToken).match.create({ shareToken: share.shareToken ?? "" }),
    );
    expect(rejection.code).toBe("NOT_FOUND");
    expect(rejection.message).toMatch(/revoked/);
  });

  apiTest("the match link is public, revocable and rotatable", async ({ api }) => {
    const friend = await listenerWithVerdict(api, "hip-hop-head");
    const share = await api.caller(friend.accessToken).analysis.result();
    const me = api.caller(api.world.listener.accessToken);
    const match = await me.match.create({ shareToken: share.shareToken ?? "", tone: "gentle" });
    expect(match.tone).toBe("gentle");
    const token = match.shareToken ?? "";
    await expect(api.caller().match.byToken({ token })).resolves.toMatchObject({ label: match.label });

    await expect(me.match.revokeShare({ matchId: match.matchId })).resolves.toEqual({ ok: true });
    expect((await rejectionOf(api.caller().match.byToken({ token }))).code).toBe("NOT_FOUND");
    const rotated = await me.match.rotateShare({ matchId: match.matchId });
    await expect(api.caller().match.byToken({ token: rotated.shareToken })).resolves.toBeTruthy();
    expect((await rejectionOf(api.caller().match.byToken({ token }))).code).toBe("NOT_FOUND");
  });

  apiTest(
    "bad input is a 4xx: signed out, own share, no verdict, not a UUID, bad cursor",
    async ({ api }) => {
      const mine = await api.caller(api.world.listener.accessToken).analysis.result();
      expect((await rejectionOf(api.caller().match.create({ shareToken: "x" }))).code).toBe("UNAUTHORIZED");
      const me = api.caller(api.world.listener.accessToken);
      expect((await rejectionOf(me.match.create({ shareToken: mine.shareToken ?? "" }))).code).toBe(
        "BAD_REQUEST",
      );
      expect((await rejectionOf(me.match.create({ shareToken: "" }))).code).toBe("BAD_REQUEST");
      expect((await rejectionOf(me.match.get({ matchId: "nope" }))).code).toBe("BAD_REQUEST");
      expect((await rejectionOf(me.match.list({ cursor: "garbage" }))).code).toBe("BAD_REQUEST");
      const newcomer = await api.signIn("new-listener");
      const rejection = await rejectionOf(
        api.caller(newcomer.accessToken).match.create({ shareToken: mine.shareToken ?? "" }),
      );
      expect(rejection.code).toBe("PRECONDITION_FAILED");
    },
  );

  apiTest(
    "analysis.result carries standings once MIN_STANDINGS_LISTENERS listeners exist",
    async ({ api, db }) => {
      const caller = api.caller(api.world.listener.accessToken);
      expect((await caller.analysis.result()).standings).toBeNull();
      // 19 more listeners (20 with ours), every one of them below ours on every metric.
      for (let index = 0; index < 19; index++) {
        const [user] = await db
          .insert(users)
          .values({ spotifyAccountId: `seeded-${index}`, spotifyId: `seeded-${index}`, displayName: null })
          .returning();
        await api.services.standings.record(user?.id ?? "", randomUUID(), {
          underground: 0,
          acclaim: 0,
          loyalty: 0,
          diversity: 0,
        });
      }
      const result = await caller.analysis.result();
      expect(result.standings?.listeners).toBe(20);
      for (const metric of ["underground", "acclaim", "loyalty", "diversity"] as const) {
        const value = {
          underground: result.profile.obscurity,
          acclaim: result.criticalAcclaim,
          loyalty: result.profile.artistLoyalty,
          diversity: result.profile.genreDiversity,
        }[metric];
        expect(result.standings?.[metric]).toBe(value === null ? null : value > 0 ? 1 : 0);
      }
      // Counts only: nothing names or identifies another listener.
      expect(Object.keys(result.standings ?? {}).sort()).toEqual([
        "acclaim",
        "diversity",
        "listeners",
        "loyalty",
        "underground",
      ]);
    },
  );
});

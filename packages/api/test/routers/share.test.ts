import { describe, expect } from "vitest";
import { apiTest } from "../support/api-fixture.js";
import { rejectionOf } from "../support/error-shape.js";

describe("share router", () => {
  apiTest("get shows the shared verdict to anyone, without email, Spotify id or tokens", async ({ api }) => {
    const { listener } = api.world;
    const result = await api.caller(listener.accessToken).analysis.result();
    const shared = await api.caller().share.get({ token: result.shareToken ?? "" });
    expect(shared).toMatchObject({ label: result.label, description: result.description });
    expect(shared.analyzedAt).toBeInstanceOf(Date);
    const text = JSON.stringify(shared);
    const me = await api.caller(listener.accessToken).auth.me();
    for (const secret of [me.spotifyId, me.email, listener.accessToken, listener.userId]) {
      if (secret) expect(text).not.toContain(secret);
    }
  });

  apiTest("get of an unknown token is NOT_FOUND", async ({ api }) => {
    expect((await rejectionOf(api.caller().share.get({ token: "no-such-share-token" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  apiTest("revoke ends the link at once; rotate makes a new one and the old stays dead", async ({ api }) => {
    const { listener } = api.world;
    const caller = api.caller(listener.accessToken);
    const analysisId = listener.completedAnalysisId;
    const before = await caller.analysis.result();
    const oldToken = before.shareToken ?? "";

    await expect(caller.share.revoke({ analysisId })).resolves.toEqual({ ok: true });
    expect((await rejectionOf(api.caller().share.get({ token: oldToken }))).code).toBe("NOT_FOUND");
    expect(await caller.analysis.result()).toMatchObject({ shareToken: null, shareUrl: null });

    const rotated = await caller.share.rotate({ analysisId });
    expect(rotated.shareToken).not.toBe(oldToken);
    expect(rotated.shareUrl).toBe(`${api.world.config.server.publicUrl}/s/${rotated.shareToken}`);
    await expect(api.caller().share.get({ token: rotated.shareToken })).resolves.toMatchObject({
      label: before.label,
    });
    expect((await rejectionOf(api.caller().share.get({ token: oldToken }))).code).toBe("NOT_FOUND");
  });

  apiTest(
    "revoke and rotate of another listener's analysis are NOT_FOUND and change nothing",
    async ({ api }) => {
      const stranger = api.caller((await api.signIn("new-listener")).accessToken);
      const analysisId = api.world.listener.completedAnalysisId;
      expect((await rejectionOf(stranger.share.revoke({ analysisId }))).code).toBe("NOT_FOUND");
      expect((await rejectionOf(stranger.share.rotate({ analysisId }))).code).toBe("NOT_FOUND");
      const result = await api.caller(api.world.listener.accessToken).analysis.result();
      await expect(api.caller().share.get({ token: result.shareToken ?? "" })).resolves.toBeTruthy();
    },
  );

  apiTest("revoke and rotate need a signed-in listener and a UUID", async ({ api }) => {
    const analysisId = api.world.listener.completedAnalysisId;
    expect((await rejectionOf(api.caller().share.revoke({ analysisId }))).code).toBe("UNAUTHORIZED");
    const caller = api.caller(api.world.listener.accessToken);
    expect((await rejectionOf(caller.share.rotate({ analysisId: "nope" }))).code).toBe("BAD_REQUEST");
  });
});

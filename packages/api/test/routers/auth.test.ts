import { describe, expect } from "vitest";
import { apiTest } from "../support/api-fixture.js";
import { clientShape, rejectionOf } from "../support/error-shape.js";

describe("auth router", () => {
  apiTest("me returns the signed-in listener and their Spotify connection", async ({ api }) => {
    const { listener } = api.world;
    const me = await api.caller(listener.accessToken).auth.me();
    expect(me).toMatchObject({
      id: listener.userId,
      spotifyId: expect.any(String),
      spotify: { connected: true, reauthorizationRequired: false },
    });
    expect(me.createdAt).toBeInstanceOf(Date);
  });

  apiTest("me without a token is UNAUTHORIZED with the reason, and says how to fix it", async ({ api }) => {
    const error = await rejectionOf(api.caller().auth.me());
    expect(error.code).toBe("UNAUTHORIZED");
    expect(clientShape(error, "auth.me").data).toMatchObject({ authReason: "missing", httpStatus: 401 });
    expect(error.message).toMatch(/sign in/i);
  });

  apiTest("a tampered token is UNAUTHORIZED", async ({ api }) => {
    const token = `${api.world.listener.accessToken.slice(0, -2)}xx`;
    const error = await rejectionOf(api.caller(token).auth.me());
    expect(error.code).toBe("UNAUTHORIZED");
  });

  apiTest("exchange trades a login code once; refresh rotates; logout ends the session", async ({ api }) => {
    const signedIn = await api.signIn("chart-pop");
    const me = await api.caller(signedIn.accessToken).auth.me();
    expect(me.id).toBe(signedIn.userId);

    const refreshed = await api.caller().auth.refresh({ refreshToken: signedIn.refreshToken });
    expect(refreshed.refreshToken).not.toBe(signedIn.refreshToken);
    expect((await api.caller(refreshed.accessToken).auth.me()).id).toBe(signedIn.userId);

    await expect(api.caller().auth.logout({ refreshToken: refreshed.refreshToken })).resolves.toEqual({
      ok: true,
    });
    const after = await rejectionOf(api.caller().auth.refresh({ refreshToken: refreshed.refreshToken }));
    expect(after.code).toBe("UNAUTHORIZED");
  });

  apiTest("exchange of an unknown login code is refused without a session", async ({ api }) => {
    const error = await rejectionOf(
      api.caller().auth.exchange({ code: "not-a-login-code-at-all-0123456789abcdefgh" }),
    );
    expect(["UNAUTHORIZED", "BAD_REQUEST"]).toContain(error.code);
  });
});

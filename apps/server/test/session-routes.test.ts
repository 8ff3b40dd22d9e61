import { createClient } from "@unwrapped/client";
import { ManualClock } from "@unwrapped/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginCode, startTestServer, type TestServer } from "./support/test-server.js";

/** A browser's cookie jar for one origin, enough for the session cookie. */
function cookieOf(response: Response): { value: string; attributes: string } | null {
  const header = response.headers.getSetCookie().find((line) => line.startsWith("unwrapped_session="));
  if (!header) return null;
  const [pair = "", ...attributes] = header.split(";");
  return { value: pair.slice("unwrapped_session=".length), attributes: attributes.join(";").trim() };
}

describe("browser session routes (/auth/session)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (path: string, init: { cookie?: string; body?: unknown; origin?: string | null } = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(init.origin === null ? {} : { origin: init.origin ?? server.url }),
        ...(init.cookie ? { cookie: `unwrapped_session=${init.cookie}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  it("trades a login code for an access token and an HttpOnly, SameSite=Strict refresh cookie", async () => {
    const code = await loginCode(server.url, "metalhead");
    const response = await post("/auth/session", { body: { code } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["accessToken", "accessTokenExpiresAt", "user"]);
    expect(JSON.stringify(body)).not.toContain("refreshToken");
    const cookie = cookieOf(response);
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie?.attributes).toContain("HttpOnly");
    expect(cookie?.attributes).toContain("SameSite=Strict");
    expect(cookie?.attributes).toContain("Path=/auth/session");
    expect(cookie?.attributes).not.toContain("Secure");

    // The access token works with the typed client, as any bearer token does.
    const client = createClient({ url: server.url, accessToken: body.accessToken as string });
    expect((await client.auth.me.query()).displayName).toBeTruthy();

    // A login code is single use.
    const again = await post("/auth/session", { body: { code } });
    expect(again.status).toBe(401);
  });

  it("refreshes through the cookie, rotating it; a rotated-away cookie ends the whole session", async () => {
    const code = await loginCode(server.url, "metalhead");
    const first = cookieOf(await post("/auth/session", { body: { code } }))!.value;
    const refreshed = await post("/auth/session/refresh", { cookie: first });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { accessToken: string }).accessToken).toBeTruthy();
    const second = cookieOf(refreshed)!.value;
    expect(second).not.toBe(first);

    const reused = await post("/auth/session/refresh", { cookie: first });
    expect(reused.status).toBe(401);
    expect(((await reused.json()) as { message: string }).message).toMatch(/already used/);
    expect(cookieOf(reused)?.attributes).toContain("Max-Age=0");
    // Reuse detection revoked the family: the newer cookie is dead too.
    expect((await post("/auth/session/refresh", { cookie: second })).status).toBe(401);
  });

  it("answers 401 without a cookie and 400 for a body without a code", async () => {
    expect((await post("/auth/session/refresh")).status).toBe(401);
    const bad = await post("/auth/session", { body: { code: 42 } });
    expect(bad.status).toBe(400);
    const notJson = await fetch(`${server.url}/auth/session`, {
      method: "POST",
      headers: { origin: server.url, "content-type": "application/json" },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
  });

  it("refuses a foreign or missing Origin (CSRF), even with a valid cookie", async () => {
    const code = await loginCode(server.url, "metalhead");
    const cookie = cookieOf(await post("/auth/session", { body: { code } }))!.value;
    const foreign = await post("/auth/session/refresh", { cookie, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const missing = await post("/auth/session/refresh", { cookie, origin: null });
    expect(missing.status).toBe(403);
    expect((await post("/auth/session/logout", { cookie, origin: "http://127.0.0.1:1" })).status).toBe(403);
    // The refusals did not touch the session.
    expect((await post("/auth/session/refresh", { cookie })).status).toBe(200);
  });

  it("logout revokes the session and clears the cookie", async () => {
    const code = await loginCode(server.url, "metalhead");
    const cookie = cookieOf(await post("/auth/session", { body: { code } }))!.value;
    const out = await post("/auth/session/logout", { cookie });
    expect(out.status).toBe(200);
    expect(cookieOf(out)).toEqual({ value: "", attributes: expect.stringContaining("Max-Age=0") });
    expect((await post("/auth/session/refresh", { cookie })).status).toBe(401);
  });

  it("marks the cookie Secure when the server is reached over https", async () => {
    const secureServer = await startTestServer({ env: { PUBLIC_URL: "https://unwrapped.example" } });
    try {
      const response = await fetch(`${secureServer.url}/auth/session/refresh`, {
        method: "POST",
        headers: { origin: "https://unwrapped.example", cookie: "unwrapped_session=unknown" },
      });
      expect(response.status).toBe(401);
      expect(cookieOf(response)?.attributes).toContain("Secure");
    } finally {
      await secureServer.close();
    }
  });
});

describe("the typed client renewing through the cookie route", () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clock });
  });
  afterAll(async () => {
    await server.close();
  });

  it("renews once for concurrent calls after expiry, and ends the session when renewal is refused", async () => {
    const code = await loginCode(server.url, "metalhead");
    const signedIn = await fetch(`${server.url}/auth/session`, {
      method: "POST",
      headers: { origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    let cookie = cookieOf(signedIn)!.value;
    let accessToken: string | null = ((await signedIn.json()) as { accessToken: string }).accessToken;
    let renewals = 0;
    const ended: Error[] = [];
    // What the web app does: the token in memory, renewal through the cookie (here a jar of one).
    const client = createClient({
      url: server.url,
      getAccessToken: () => accessToken,
      renew: async () => {
        renewals++;
        const response = await fetch(`${server.url}/auth/session/refresh`, {
          method: "POST",
          headers: { origin: server.url, cookie: `unwrapped_session=${cookie}` },
        });
        if (response.status === 401) return null;
        cookie = cookieOf(response)!.value;
        accessToken = ((await response.json()) as { accessToken: string }).accessToken;
        return accessToken;
      },
      onSessionEnded: (error) => ended.push(error),
    });
    const me = await client.auth.me.query();

    clock.advance(16 * 60_000);
    const users = await Promise.all([client.auth.me.query(), client.analysis.history.query()]);
    expect(users[0].id).toBe(me.id);
    expect(renewals).toBe(1);

    clock.advance(16 * 60_000);
    cookie = "revoked-or-unknown";
    await expect(client.auth.me.query()).rejects.toThrow(/session has ended/);
    expect(ended).toHaveLength(1);
  });
});

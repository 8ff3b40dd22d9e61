import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type RunningSandbox, startSandbox } from "../src/index.js";
import { CLIENT_ID, CLIENT_SECRET, getApi, requestToken, signIn } from "./sign-in.js";

const START = Date.UTC(2026, 10, 20, 18, 30);
let clock = START;
let sandbox: RunningSandbox;
let token: string;
let refreshToken: string;

beforeAll(async () => {
  // One refresh token serves every test here: it must not rotate away.
  sandbox = await startSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshTokenRotation: "off",
    now: () => clock,
  });
  const tokens = await signIn(sandbox, "hip-hop-head");
  token = tokens.access_token;
  refreshToken = tokens.refresh_token ?? "";
});

afterEach(() => {
  clock = START;
  sandbox.controls.reset();
  sandbox.controls.clearRequests();
});

afterAll(async () => {
  await sandbox.close();
});

const me = () => getApi(sandbox, "/v1/me", token);
const refresh = () =>
  requestToken(sandbox.accountsUrl, { grant_type: "refresh_token", refresh_token: refreshToken });

describe("rate limiting", () => {
  it("rateLimitNext answers the next n Web API requests 429 with Retry-After and Spotify's body", async () => {
    sandbox.controls.rateLimitNext(2, 7);
    for (let attempt = 0; attempt < 2; attempt++) {
      const { status, body, response } = await me();
      expect(status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("7");
      expect(body).toEqual({ error: { status: 429, message: "API rate limit exceeded" } });
    }
    expect((await me()).status).toBe(200);
  });

  it("targets the accounts service only when asked", async () => {
    sandbox.controls.rateLimitNext(1, 3);
    expect((await refresh()).status).toBe(200);
    expect((await me()).status).toBe(429);

    sandbox.controls.rateLimitNext(1, 3, "accounts");
    const limited = await refresh();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await me()).status).toBe(200);
    expect((await refresh()).status).toBe(200);
  });

  it("rateLimitUntil refuses every matching request until the time, counting Retry-After down", async () => {
    sandbox.controls.rateLimitUntil(START + 2_500, "all");
    const first = await me();
    expect(first.status).toBe(429);
    expect(first.response.headers.get("retry-after")).toBe("3");
    expect((await refresh()).status).toBe(429);
    clock = START + 1_800;
    expect((await me()).response.headers.get("retry-after")).toBe("1");
    clock = START + 2_500;
    expect((await me()).status).toBe(200);
  });
});

describe("failures", () => {
  it("failNext answers 503 with a Spotify error body by default, or the given 5xx", async () => {
    sandbox.controls.failNext(1);
    expect(await me()).toMatchObject({
      status: 503,
      body: { error: { status: 503, message: expect.any(String) } },
    });
    sandbox.controls.failNext(1, 500, "accounts");
    const failed = await refresh();
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: "server_error" });
    expect((await me()).status).toBe(200);
  });

  it("serves queued faults in order", async () => {
    sandbox.controls.failNext(1, 502);
    sandbox.controls.rateLimitNext(1, 1);
    expect((await me()).status).toBe(502);
    expect((await me()).status).toBe(429);
    expect((await me()).status).toBe(200);
  });

  it("malformedNext answers 200 with a body that is not JSON", async () => {
    sandbox.controls.malformedNext(1);
    const response = await fetch(`${sandbox.apiUrl}/v1/me/top/tracks`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await me()).status).toBe(200);
  });

  it("failNext with retryAfterSeconds adds Retry-After, on the Web API and the token endpoint", async () => {
    sandbox.controls.failNext(1, 503, "all", 4);
    const failed = await me();
    expect(failed.status).toBe(503);
    expect(failed.response.headers.get("retry-after")).toBe("4");
    sandbox.controls.failNext(1, 503, "accounts", 2);
    const refused = await refresh();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    expect((await me()).response.headers.get("retry-after")).toBeNull();
  });

  it("failAfterActingNext lets the request take effect, then answers the 5xx in the area's format", async () => {
    sandbox.controls.failAfterActingNext(1);
    const failed = await me();
    expect(failed).toMatchObject({ status: 502, body: { error: { status: 502, message: "Bad gateway" } } });
    expect(failed.response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await me()).status).toBe(200);
  });

  it("refuses nonsense fault settings", () => {
    expect(() => sandbox.controls.failNext(1, 404)).toThrow(RangeError);
    expect(() => sandbox.controls.failAfterActingNext(1, 200)).toThrow(RangeError);
    expect(() => sandbox.controls.rateLimitNext(-1, 1)).toThrow(RangeError);
    expect(() => sandbox.controls.answerLateNext(1, -5)).toThrow(RangeError);
    expect(() => sandbox.controls.setAccessTokenTtl(0)).toThrow(RangeError);
  });
});

/** A sleep the test ends: each call waits, with the ms it was asked for, until released. */
function heldSleeps() {
  const waiting: { ms: number; wake: () => void }[] = [];
  let arrived: (() => void) | undefined;
  return {
    sleep(ms: number): Promise<void> {
      return new Promise<void>((wake) => {
        waiting.push({ ms, wake });
        arrived?.();
      });
    },
    /** Resolves once `count` sleeps are waiting, with what they asked for. */
    async waitingFor(count: number): Promise<number[]> {
      while (waiting.length < count) await new Promise<void>((resolve) => (arrived = resolve));
      return waiting.map((entry) => entry.ms);
    },
    releaseAll(): void {
      for (const entry of waiting.splice(0)) entry.wake();
    },
  };
}

describe("latency and the request log", () => {
  it("holds Web API responses for the configured latency, not accounts ones, and reset() restores it", async () => {
    const sleeps = heldSleeps();
    let heldClock = START;
    const held = await startSandbox({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      now: () => heldClock,
      sleep: sleeps.sleep,
    });
    try {
      const { access_token: heldToken, refresh_token: heldRefresh = "" } = await signIn(held, "metalhead");
      held.controls.setLatency(150);
      held.controls.clearRequests();
      const answer = getApi(held, "/v1/me", heldToken);
      expect(await sleeps.waitingFor(1)).toEqual([150]);
      // Still held: a request is logged once its response has been sent.
      expect(held.controls.requests).toEqual([]);
      heldClock = START + 10;
      const refreshed = await requestToken(held.accountsUrl, {
        grant_type: "refresh_token",
        refresh_token: heldRefresh,
      });
      expect(refreshed.status).toBe(200);
      expect(held.controls.requests.map((record) => record.path)).toEqual(["/accounts/api/token"]);

      heldClock = START + 150;
      sleeps.releaseAll();
      expect((await answer).status).toBe(200);
      expect(
        held.controls.requests.map(({ path, startedAt, finishedAt }) => ({ path, startedAt, finishedAt })),
      ).toEqual([
        { path: "/api/v1/me", startedAt: START, finishedAt: START + 150 },
        { path: "/accounts/api/token", startedAt: START + 10, finishedAt: START + 10 },
      ]);

      held.controls.reset();
      expect((await getApi(held, "/v1/me", heldToken)).status).toBe(200);
      expect(await sleeps.waitingFor(0)).toEqual([]);
    } finally {
      await held.close();
    }
  });

  it("answerLateNext acts on the request at once and holds only its answer, on the injected sleep", async () => {
    const sleeps = heldSleeps();
    const late = await startSandbox({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshTokenRotation: "always",
      sleep: sleeps.sleep,
    });
    try {
      const { refresh_token: first = "" } = await signIn(late, "metalhead");
      late.controls.answerLateNext(1, 30_000, "accounts");
      const answer = requestToken(late.accountsUrl, { grant_type: "refresh_token", refresh_token: first });
      expect(await sleeps.waitingFor(1)).toEqual([30_000]);
      // The refresh already took effect: the token it was given is rotated away.
      const again = await requestToken(late.accountsUrl, {
        grant_type: "refresh_token",
        refresh_token: first,
      });
      expect(again.status).toBe(400);
      sleeps.releaseAll();
      const answered = await answer;
      expect(answered.status).toBe(200);
      expect(((await answered.json()) as { refresh_token?: string }).refresh_token).toMatch(/^AQ/);
    } finally {
      await late.close();
    }
  });

  it("logs requests relative to the mount with clock times, so tests can see seven requests overlap", async () => {
    const sleeps = heldSleeps();
    let liveClock = START;
    const live = await startSandbox({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      latencyMs: 100,
      now: () => liveClock,
      sleep: sleeps.sleep,
    });
    try {
      const { access_token: liveToken } = await signIn(live, "metalhead");
      live.controls.clearRequests();
      const paths = [
        "/v1/me/top/artists?time_range=short_term",
        "/v1/me/top/artists?time_range=medium_term",
        "/v1/me/top/artists?time_range=long_term",
        "/v1/me/top/tracks?time_range=short_term",
        "/v1/me/top/tracks?time_range=medium_term",
        "/v1/me/top/tracks?time_range=long_term",
        "/v1/me/player/recently-played?limit=50",
      ];
      const answers = Promise.all(paths.map((path) => getApi(live, path, liveToken)));
      expect(await sleeps.waitingFor(7)).toEqual(paths.map(() => 100));
      liveClock = START + 100;
      sleeps.releaseAll();
      const results = await answers;
      expect(results.map((result) => result.status)).toEqual(paths.map(() => 200));

      const records = live.controls.requests;
      expect(records).toHaveLength(7);
      expect(records.every((record) => record.method === "GET" && record.status === 200)).toBe(true);
      expect(new Set(records.map((record) => record.path))).toEqual(
        new Set(["/api/v1/me/top/artists", "/api/v1/me/top/tracks", "/api/v1/me/player/recently-played"]),
      );
      const lastStart = Math.max(...records.map((record) => record.startedAt));
      const firstFinish = Math.min(...records.map((record) => record.finishedAt));
      expect(lastStart).toBeLessThan(firstFinish);
      expect(records.map((record) => record.startedAt)).toEqual(
        [...records.map((record) => record.startedAt)].sort((left, right) => left - right),
      );
    } finally {
      await live.close();
    }
  });

  it("logs accounts requests and faulted answers too", async () => {
    sandbox.controls.failNext(1);
    await me();
    await refresh();
    expect(sandbox.controls.requests.map(({ method, path, status }) => ({ method, path, status }))).toEqual([
      { method: "GET", path: "/api/v1/me", status: 503 },
      { method: "POST", path: "/accounts/api/token", status: 200 },
    ]);
  });
});

describe("personas", () => {
  it("GET /personas lists the named personas, as createSandbox reports them", async () => {
    const response = await fetch(`${sandbox.url}/personas`);
    expect(response.status).toBe(200);
    const personas = (await response.json()) as { id: string }[];
    const { personas: reported } = createSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(personas).toEqual(reported);
    expect(personas.map((persona) => persona.id)).toContain("new-listener");
    expect(personas.length).toBeGreaterThanOrEqual(7);
  });
});

import { createServer } from "node:net";
import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManualClock, systemClock, systemTimers } from "../../src/clock.js";
import {
  ReauthorizationRequiredError,
  SpotifyUserNotRegisteredError,
  UpstreamError,
} from "../../src/errors.js";
import { defaultHttpDependencies, type HttpDependencies } from "../../src/http/retry.js";
import { basicCredentials } from "../../src/spotify/accounts-client.js";
import { memoryLogger, TEST_SPOTIFY_CLIENT_ID, TEST_SPOTIFY_CLIENT_SECRET } from "../../src/testing/index.js";
import {
  accountsClientFor,
  authorizePersona,
  fastRetryPolicy,
  startTestSandbox,
} from "../support/spotify-connection.js";

describe("SpotifyAccountsClient against the sandbox", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("sends client credentials form-urlencoded before base64 (RFC 6749 §2.3.1)", () => {
    expect(Buffer.from(basicCredentials("my:id", "a+b%c:d é☃"), "base64").toString("utf8")).toBe(
      "my%3Aid:a%2Bb%25c%3Ad+%C3%A9%E2%98%83",
    );
  });

  it("signs in with a client secret full of special characters, which naive Basic encoding fails", async () => {
    for (const character of ["+", "%", ":", "ö", "☃", " "])
      expect(TEST_SPOTIFY_CLIENT_SECRET).toContain(character);
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "metalhead");
    await expect(accounts.refresh(tokens.refreshToken)).resolves.toMatchObject({ scope: tokens.scope });
    // What a client that skips the form-urlencoding sends is refused, as by a server that follows the RFC.
    const naive = await fetch(`${sandbox.accountsUrl}/api/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${TEST_SPOTIFY_CLIENT_ID}:${TEST_SPOTIFY_CLIENT_SECRET}`).toString("base64")}`,
      },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refreshToken }),
    });
    expect(naive.status).toBe(400);
    expect(await naive.json()).toEqual({
      error: "invalid_client",
      error_description: "Invalid client secret",
    });
  });

  it("turns invalid_client (a wrong secret) into a final upstream error", async () => {
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "metalhead");
    const wrong = accountsClientFor(sandbox, { clientSecret: `${TEST_SPOTIFY_CLIENT_SECRET}x` });
    const error = await wrong.refresh(tokens.refreshToken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      retryable: false,
      status: 400,
      message: "Spotify token refresh was refused by Spotify (invalid_client)",
    });
  });

  it("assumes Spotify's 3600 s when a token response has no expires_in, and says so once", async () => {
    const clock = new ManualClock();
    const log = memoryLogger("debug");
    const accounts = accountsClientFor(sandbox, { clock, logger: log.logger });
    sandbox.controls.setOmitExpiresIn(true);
    try {
      const tokens = await authorizePersona(accounts, "chart-pop");
      expect(tokens.accessTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 3600_000);
      const refreshed = await accounts.refresh(tokens.refreshToken);
      expect(refreshed.accessTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 3600_000);
    } finally {
      sandbox.controls.reset();
    }
    const warnings = log.lines().filter((line) => line.includes("no expires_in"));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? "{}")).toMatchObject({ level: 40, assumedExpiresInSeconds: 3600 });
  });

  it("builds the authorize URL with PKCE S256, state and the sign-in scopes", () => {
    const url = new URL(accountsClientFor(sandbox).authorizeUrl({ state: "s1", codeChallenge: "c1" }));
    expect(url.pathname.endsWith("/authorize")).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      state: "s1",
      code_challenge: "c1",
      code_challenge_method: "S256",
      scope: "user-top-read user-read-recently-played user-read-email user-read-private",
    });
  });

  it("exchanges a code, reads /v1/me, and computes the expiry from its clock", async () => {
    const clock = new ManualClock();
    const accounts = accountsClientFor(sandbox, { clock });
    const tokens = await authorizePersona(accounts, "metalhead");
    expect(tokens.accessTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 3600_000);
    const profile = await accounts.getProfile(tokens.accessToken);
    expect(profile.displayName).toBeTruthy();
    expect(profile.email).toMatch(/@example\.com$/);
    expect(profile.accountId).toBeTruthy();
  });

  it("keeps the old refresh token when Spotify sends none, and stores the new one when it rotates", async () => {
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "chart-pop");
    sandbox.controls.setRefreshTokenRotation("off");
    const refreshed = await accounts.refresh(tokens.refreshToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);

    sandbox.controls.setRotateRefreshTokens(true);
    try {
      const rotated = await accounts.refresh(tokens.refreshToken);
      expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
      await expect(accounts.refresh(tokens.refreshToken)).rejects.toBeInstanceOf(
        ReauthorizationRequiredError,
      );
    } finally {
      sandbox.controls.reset();
    }
  });

  it("turns invalid_grant on refresh into ReauthorizationRequiredError", async () => {
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "chart-pop");
    sandbox.controls.revokeRefreshTokens();
    const error = await accounts.refresh(tokens.refreshToken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ReauthorizationRequiredError);
    expect((error as ReauthorizationRequiredError).retryable).toBe(false);
  });

  it("refuses a wrong PKCE verifier as a final upstream error", async () => {
    const accounts = accountsClientFor(sandbox);
    const url = new URL(accounts.authorizeUrl({ state: "s", codeChallenge: "x".repeat(43) }));
    url.searchParams.set("persona", "metalhead");
    const code = new URL(
      (await fetch(url, { redirect: "manual" })).headers.get("location") ?? "",
    ).searchParams.get("code");
    const error = await accounts
      .exchangeCode({ code: code ?? "", codeVerifier: "wrong-verifier-".repeat(4) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      retryable: false,
      message: "Spotify sign-in was refused by Spotify (invalid_grant)",
    });
  });

  it("tells a development-mode app's sixth listener apart from a missing scope", async () => {
    const accounts = accountsClientFor(sandbox);
    sandbox.controls.setDevelopmentMode(true);
    try {
      for (const persona of [
        "metalhead",
        "chart-pop",
        "indie-obscurist",
        "hip-hop-head",
        "classical-curator",
      ]) {
        await accounts.getProfile((await authorizePersona(accounts, persona)).accessToken);
      }
      const sixth = await authorizePersona(accounts, "jazz-soul-nostalgic");
      const error = await accounts.getProfile(sixth.accessToken).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SpotifyUserNotRegisteredError);
      expect(error).toMatchObject({ retryable: false, status: 403 });
      expect((error as Error).message).toMatch(
        /^This app is in Spotify's development mode and is limited to listeners its owner has added/,
      );
    } finally {
      sandbox.controls.reset();
    }
  });

  it("reads a development-mode profile without email or country", async () => {
    const accounts = accountsClientFor(sandbox);
    const tokens = await authorizePersona(accounts, "indie-obscurist");
    sandbox.controls.setDevelopmentMode(true);
    try {
      const profile = await accounts.getProfile(tokens.accessToken);
      expect(profile).toMatchObject({ email: null, country: null, product: null });
      expect(profile.id).toBeTruthy();
    } finally {
      sandbox.controls.reset();
    }
  });
});

/** A sleep that records what it was asked to wait and returns at once. */
function recordingHttp(fetchImpl: typeof fetch = defaultHttpDependencies.fetch) {
  const waits: number[] = [];
  const calls: string[] = [];
  const http: HttpDependencies = {
    fetch: (input, init) => {
      calls.push(String(input));
      return fetchImpl(input, init);
    },
    clock: systemClock,
    timers: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      timeout: (ms) => systemTimers.timeout(ms),
    },
    random: () => 0.5,
  };
  return { http, waits, calls };
}

/** A loopback port nobody listens on: connecting to it is refused before anything is sent. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe("token requests are retried only when they cannot have taken effect (rotation with reuse detection)", () => {
  let sandbox: RunningSandbox;
  let releaseLate: (() => void) | undefined;
  let lateArrived: (() => void) | undefined;
  beforeAll(async () => {
    sandbox = await startTestSandbox({
      refreshTokenRotation: "always",
      refreshTokenReuseDetection: true,
      // The sandbox holds a late answer here, after the refresh took effect, until the test says.
      sleep: () =>
        new Promise<void>((resolve) => {
          releaseLate = resolve;
          lateArrived?.();
        }),
    });
  });
  afterEach(() => {
    releaseLate?.();
    sandbox.controls.reset();
    sandbox.controls.clearRequests();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const tokenRequests = () =>
    sandbox.controls.requests.filter((request) => request.path === "/accounts/api/token").length;
  const profileStatus = async (accessToken: string) =>
    (await fetch(`${sandbox.apiUrl}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

  it("does not retry a 5xx that came after the refresh took effect: the grant survives", async () => {
    const { http, calls } = recordingHttp();
    const accounts = accountsClientFor(sandbox, { http });
    const tokens = await authorizePersona(accounts, "metalhead");
    sandbox.controls.clearRequests();
    calls.length = 0;
    sandbox.controls.failAfterActingNext(1, 502, "accounts");
    const error = await accounts.refresh(tokens.refreshToken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: true, status: 502 });
    expect(calls).toHaveLength(1);
    expect(tokenRequests()).toBe(1);
    expect(await profileStatus(tokens.accessToken)).toBe(200); // not revoked

    // What an automatic retry would have done: present the rotated-away token, and lose the grant.
    await expect(accounts.refresh(tokens.refreshToken)).rejects.toBeInstanceOf(ReauthorizationRequiredError);
    expect(await profileStatus(tokens.accessToken)).toBe(401);
  });

  it("does not retry a 5xx without Retry-After either", async () => {
    const { http, calls } = recordingHttp();
    const accounts = accountsClientFor(sandbox, { http });
    const tokens = await authorizePersona(accounts, "chart-pop");
    calls.length = 0;
    sandbox.controls.failNext(1, 500, "accounts");
    await expect(accounts.refresh(tokens.refreshToken)).rejects.toMatchObject({
      retryable: true,
      status: 500,
    });
    expect(calls).toHaveLength(1);
    await expect(accounts.refresh(tokens.refreshToken)).resolves.toBeTruthy(); // a later, deliberate try
  });

  it("does not retry after a timeout once the request was sent", async () => {
    const timeout = new AbortController();
    const { http, calls } = recordingHttp();
    const accounts = accountsClientFor(sandbox, {
      http: { ...http, timers: { ...http.timers, timeout: () => timeout.signal } },
    });
    const tokens = await authorizePersona(accounts, "hip-hop-head");
    calls.length = 0;
    const arrived = new Promise<void>((resolve) => {
      lateArrived = resolve;
    });
    sandbox.controls.answerLateNext(1, 60_000, "accounts");
    const refreshing = accounts.refresh(tokens.refreshToken).catch((caught: unknown) => caught);
    await arrived; // the sandbox has rotated the refresh token and holds the answer
    timeout.abort(new DOMException("timed out", "TimeoutError"));
    const error = await refreshing;
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toBe(
      `Spotify token refresh did not answer within ${fastRetryPolicy.timeoutMs} ms`,
    );
    expect((error as UpstreamError).retryable).toBe(true);
    expect(calls).toHaveLength(1);
    expect(await profileStatus(tokens.accessToken)).toBe(200); // not revoked
  });

  it("retries a connection refused before anything was sent, and the grant stays whole", async () => {
    const port = await closedPort();
    let refuseNext = false;
    const { http, calls, waits } = recordingHttp((input, init) => {
      const target = refuseNext ? `http://127.0.0.1:${port}/api/token` : input;
      refuseNext = false;
      return defaultHttpDependencies.fetch(target, init);
    });
    const accounts = accountsClientFor(sandbox, { http });
    const tokens = await authorizePersona(accounts, "classical-curator");
    refuseNext = true;
    calls.length = 0;
    sandbox.controls.clearRequests();
    const refreshed = await accounts.refresh(tokens.refreshToken);
    expect(calls).toHaveLength(2);
    expect(waits).toHaveLength(1); // one backoff, from the injected sleep
    expect(tokenRequests()).toBe(1); // only the second attempt reached the server
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect(await profileStatus(refreshed.accessToken)).toBe(200);
    await expect(accounts.refresh(refreshed.refreshToken)).resolves.toBeTruthy();
  });

  it("retries 429 and 503 with Retry-After after waiting what they ask, as they refused before acting", async () => {
    const { http, calls, waits } = recordingHttp();
    const accounts = accountsClientFor(sandbox, { http });
    const tokens = await authorizePersona(accounts, "indie-obscurist");
    calls.length = 0;
    sandbox.controls.rateLimitNext(1, 2, "accounts");
    sandbox.controls.failNext(1, 503, "accounts", 3);
    const refreshed = await accounts.refresh(tokens.refreshToken);
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([2000, 3000]);
    expect(await profileStatus(refreshed.accessToken)).toBe(200);
    await expect(accounts.refresh(refreshed.refreshToken)).resolves.toBeTruthy(); // the grant is whole
  });

  it("does not wait out a Retry-After beyond the policy: a retryable error that says how long", async () => {
    const { http, calls } = recordingHttp();
    const accounts = accountsClientFor(sandbox, { http });
    const tokens = await authorizePersona(accounts, "metalhead");
    calls.length = 0;
    sandbox.controls.rateLimitNext(1, 120, "accounts");
    await expect(accounts.refresh(tokens.refreshToken)).rejects.toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 120_000,
    });
    expect(calls).toHaveLength(1);
  });
});

import {
  createClient,
  describeError,
  errorCode,
  isSessionEndedError,
  type SessionTokens,
  signInWithPersona,
  TRPCClientError,
  waitForAnalysis,
} from "@unwrapped/client";
import { ManualClock } from "@unwrapped/services";
import { eventually, freePort, silentLogger, testConfig } from "@unwrapped/services/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const PAST_ACCESS_TOKEN_TTL = 16 * 60_000; // access tokens live 15 minutes

/** A fetch that counts the auth.refresh calls going through it. */
function countingRefreshes() {
  const counter = {
    refreshes: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes("auth.refresh")) counter.refreshes++;
      return fetch(input, init);
    },
  };
  return counter;
}

/** Lets the event loop turn, so calls started on either side go out as separate HTTP requests. */
const nextMacrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("an access token that expires mid-session", () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clock });
  });
  afterAll(async () => {
    await server.close();
  });

  it("is refreshed once for concurrent calls, which then succeed with the rotated token", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "metalhead" });
    const counter = countingRefreshes();
    const rotations: SessionTokens[] = [];
    const client = createClient({
      url: server.url,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      onTokens: (tokens) => {
        rotations.push(tokens);
      },
      fetch: counter.fetch,
    });
    await expect(client.auth.me.query()).resolves.toMatchObject({ id: session.user.id });

    clock.advance(PAST_ACCESS_TOKEN_TTL);
    const calls: Promise<{ id: string }>[] = [];
    for (let index = 0; index < 5; index++) {
      calls.push(client.auth.me.query());
      await nextMacrotask();
    }
    const users = await Promise.all(calls);
    expect(users.map((user) => user.id)).toEqual(Array(5).fill(session.user.id));
    expect(counter.refreshes).toBe(1);
    expect(rotations).toHaveLength(1);
    const rotated = rotations[0] as SessionTokens;
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect(rotated.accessToken).not.toBe(session.accessToken);
    expect(rotated.accessTokenExpiresAt.getTime()).toBeGreaterThan(clock.now().getTime());

    // A batch of five in one request after the next expiry: still one refresh.
    clock.advance(PAST_ACCESS_TOKEN_TTL);
    await Promise.all(Array.from({ length: 5 }, () => client.analysis.history.query()));
    expect(counter.refreshes).toBe(2);
    expect(rotations).toHaveLength(2);
    await client.auth.me.query();
    expect(counter.refreshes).toBe(2);
  });

  it("refreshes for a subscription too, and the watch delivers", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "jazz-soul-nostalgic" });
    const counter = countingRefreshes();
    const client = createClient({
      url: server.url,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      fetch: counter.fetch,
    });
    const begun = await client.analysis.begin.mutate();
    await eventually(
      async () =>
        (await client.analysis.status.query({ analysisId: begun.analysisId })).status === "completed",
      { timeoutMs: 15_000 },
    );

    clock.advance(PAST_ACCESS_TOKEN_TTL);
    const final = await waitForAnalysis(client, { analysisId: begun.analysisId });
    expect(final).toMatchObject({ analysisId: begun.analysisId, status: "completed" });
    expect(counter.refreshes).toBe(1);
  });

  it("sends the rotated token even while getAccessToken still returns the expired one", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "chart-pop" });
    const counter = countingRefreshes();
    const client = createClient({
      url: server.url,
      getAccessToken: () => session.accessToken, // a store that never learns about the rotation
      refreshToken: session.refreshToken,
      fetch: counter.fetch,
    });
    clock.advance(PAST_ACCESS_TOKEN_TTL);
    await client.auth.me.query();
    await client.auth.me.query();
    expect(counter.refreshes).toBe(1);
  });

  it("fails with a session-ended error when the refresh is refused (logged out elsewhere)", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "indie-obscurist" });
    const counter = countingRefreshes();
    const endings: Error[] = [];
    const client = createClient({
      url: server.url,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      onSessionEnded: (error) => endings.push(error),
      fetch: counter.fetch,
    });
    await expect(client.auth.me.query()).resolves.toMatchObject({ id: session.user.id });
    await createClient({ url: server.url }).auth.logout.mutate({ refreshToken: session.refreshToken });

    // Logout ends the family's access tokens at once (the revocation list), not only at their expiry;
    // the client does not try a refresh that cannot succeed.
    const error = await client.auth.me.query().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as Error).message).toBe("The session has ended. Sign in again.");
    expect(errorCode(error)).toBe("UNAUTHORIZED");
    expect(isSessionEndedError(error)).toBe(true);
    expect(counter.refreshes).toBe(0);

    // Past the expiry the refresh is refused: the session ends on the client too.
    clock.advance(PAST_ACCESS_TOKEN_TTL);
    const again = await client.analysis.history.query().catch((caught: unknown) => caught);
    expect(isSessionEndedError(again)).toBe(true);
    expect(describeError(again)).toMatch(/session has ended/i);
    expect(counter.refreshes).toBeLessThanOrEqual(1);
    expect(endings.length).toBeLessThanOrEqual(1);
  });

  it("passes the expiry through when it has no refresh token to renew with", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "casual-country" });
    const counter = countingRefreshes();
    const client = createClient({ url: server.url, accessToken: session.accessToken, fetch: counter.fetch });
    clock.advance(PAST_ACCESS_TOKEN_TTL);
    const error = await client.auth.me.query().catch((caught: unknown) => caught);
    expect(errorCode(error)).toBe("UNAUTHORIZED");
    expect((error as TRPCClientError<never>).data).toMatchObject({ authReason: "token_expired" });
    expect(counter.refreshes).toBe(0);
  });
});

describe("a JWT_SECRET rotation", () => {
  let before: TestServer;
  let after: RunningServer;
  beforeAll(async () => {
    before = await startTestServer();
    // The same deployment (database, PUBLIC_URL) restarted with a new JWT_SECRET.
    after = await startServer({
      config: testConfig({
        PORT: String(await freePort()),
        PUBLIC_URL: before.url,
        JWT_SECRET: "a-rotated-secret-that-is-also-at-least-32-characters",
        WORKER: "external",
        MIGRATE: "off",
      }),
      database: before.database,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await after.close();
    await before.close();
  });

  it("refuses the old access token as invalid, and the client refreshes once instead of signing out", async () => {
    const session = await signInWithPersona({ url: before.url, persona: "metalhead" });
    const rejected = await createClient({ url: after.url, accessToken: session.accessToken })
      .auth.me.query()
      .catch((caught: unknown) => caught);
    expect((rejected as TRPCClientError<never>).data).toMatchObject({
      code: "UNAUTHORIZED",
      authReason: "token_invalid",
    });

    const counter = countingRefreshes();
    const endings: Error[] = [];
    const client = createClient({
      url: after.url,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      onSessionEnded: (error) => endings.push(error),
      fetch: counter.fetch,
    });
    await expect(client.auth.me.query()).resolves.toMatchObject({ id: session.user.id });
    await expect(client.analysis.history.query()).resolves.toMatchObject({ items: expect.any(Array) });
    expect(counter.refreshes).toBe(1);
    expect(endings).toEqual([]);
  });
});

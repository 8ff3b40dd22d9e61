import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@unwrapped/api";
import { demoLoginCode, SignInError } from "@unwrapped/client";
import { oauthStates, spotifyCredentials } from "@unwrapped/db";
import { defaultHttpDependencies, ManualClock } from "@unwrapped/services";
import { memoryLogger } from "@unwrapped/services/testing";
import { eq, sql } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cookiesOf,
  loginCode,
  signInRedirect,
  startTestServer,
  TEST_REDIRECT,
  type TestServer,
} from "./support/test-server.js";
import { rawClient } from "./support/trpc-client.js";

async function trpcCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return (error as TRPCClientError<AppRouter>).data?.code as string;
}

describe("sign-in with Spotify", () => {
  let server: TestServer;
  const log = memoryLogger("debug");
  /** Every wait of the server's HTTP retries, in ms: they return at once, so no test waits them out. */
  const waits: number[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      logger: log.logger,
      http: {
        ...defaultHttpDependencies,
        timers: {
          ...defaultHttpDependencies.timers,
          sleep: async (ms) => {
            waits.push(ms);
          },
        },
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("goes login -> sandbox consent -> callback -> exchange -> me", async () => {
    const login = await fetch(
      `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      {
        redirect: "manual",
      },
    );
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.get("location") ?? "");
    expect(authorize.pathname).toBe("/sandbox/spotify/accounts/authorize");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("scope")).toBe(
      "user-top-read user-read-recently-played user-read-email user-read-private",
    );
    expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const consentPage = await fetch(authorize);
    expect(await consentPage.text()).toContain("metalhead");

    const landed = await signInRedirect(server.url, "metalhead");
    expect(`${landed.origin}${landed.pathname}`).toBe(TEST_REDIRECT);
    const code = landed.searchParams.get("login_code") ?? "";
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(landed.searchParams.has("access_token")).toBe(false);

    // Issued at or after this moment (JWT times are whole seconds), so it expires at least ~15 min after
    // it: an ordering, however long the exchange itself takes.
    const beforeExchange = Date.now();
    const session = await rawClient(server.url).auth.exchange.mutate({ code });
    expect(session.accessTokenExpiresAt).toBeInstanceOf(Date);
    expect(session.accessTokenExpiresAt.getTime()).toBeGreaterThan(beforeExchange - 1000 + 14 * 60_000);
    const me = await rawClient(server.url, session.accessToken).auth.me.query();
    expect(me).toMatchObject({
      id: session.user.id,
      spotify: { connected: true, reauthorizationRequired: false },
    });
    expect(me.displayName).toBeTruthy();
    expect(me.createdAt).toBeInstanceOf(Date);

    expect(await trpcCode(rawClient(server.url).auth.exchange.mutate({ code }))).toBe("UNAUTHORIZED");
  });

  it("links the same Spotify account to the same user on a second sign-in", async () => {
    const first = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "chart-pop"),
    });
    const second = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "chart-pop"),
    });
    expect(second.user.id).toBe(first.user.id);
    const other = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "seed:7"),
    });
    expect(other.user.id).not.toBe(first.user.id);
  });

  it("refuses a foreign redirect_to with 400 and never starts a sign-in", async () => {
    for (const target of ["https://evil.example/steal", "http://localhost:3000/callback"]) {
      const response = await fetch(
        `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(target)}`,
        {
          redirect: "manual",
        },
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_redirect" });
    }
  });

  it("answers a missing, forged or replayed state with an error redirect and no login code", async () => {
    const login = await fetch(
      `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      {
        redirect: "manual",
      },
    );
    const authorize = new URL(login.headers.get("location") ?? "");
    authorize.searchParams.set("persona", "indie-obscurist");
    const consent = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(consent.headers.get("location") ?? "");
    const code = callback.searchParams.get("code") ?? "";
    const state = callback.searchParams.get("state") ?? "";

    const follow = async (query: string) => {
      const response = await fetch(`${server.url}/auth/spotify/callback?${query}`, {
        redirect: "manual",
        headers: { cookie: cookiesOf(login) },
      });
      expect(response.status).toBe(302);
      return new URL(response.headers.get("location") ?? "");
    };
    for (const query of [`code=${code}`, `code=${code}&state=forged-state`]) {
      const landed = await follow(query);
      expect(landed.searchParams.get("error")).toBe("invalid_state");
      expect(landed.searchParams.has("login_code")).toBe(false);
    }
    const ok = await follow(`code=${code}&state=${state}`);
    expect(ok.searchParams.has("login_code")).toBe(true);
    const replay = await follow(`code=${code}&state=${state}`);
    expect(replay.searchParams.get("error")).toBe("invalid_state");
    expect(replay.searchParams.has("login_code")).toBe(false);
  });

  it("answers an expired state with expired_state to its redirect_to", async () => {
    const login = await fetch(
      `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      {
        redirect: "manual",
      },
    );
    const state = new URL(login.headers.get("location") ?? "").searchParams.get("state") ?? "";
    await server.database.db
      .update(oauthStates)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oauthStates.state, state));
    const response = await fetch(`${server.url}/auth/spotify/callback?code=anything&state=${state}`, {
      redirect: "manual",
      headers: { cookie: cookiesOf(login) },
    });
    const landed = new URL(response.headers.get("location") ?? "");
    expect(`${landed.origin}${landed.pathname}`).toBe(TEST_REDIRECT);
    expect(landed.searchParams.get("error")).toBe("expired_state");
  });

  it("passes Spotify's access_denied through to redirect_to", async () => {
    const login = await fetch(
      `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      {
        redirect: "manual",
      },
    );
    const state = new URL(login.headers.get("location") ?? "").searchParams.get("state") ?? "";
    const response = await fetch(`${server.url}/auth/spotify/callback?error=access_denied&state=${state}`, {
      redirect: "manual",
      headers: { cookie: cookiesOf(login) },
    });
    expect(new URL(response.headers.get("location") ?? "").searchParams.get("error")).toBe("access_denied");
  });

  it("fails sign-in when an authorization code is replayed or the PKCE verifier is wrong", async () => {
    const start = async () => {
      const login = await fetch(
        `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
        {
          redirect: "manual",
        },
      );
      const authorize = new URL(login.headers.get("location") ?? "");
      authorize.searchParams.set("persona", "hip-hop-head");
      const consent = await fetch(authorize, { redirect: "manual" });
      cookies.push(cookiesOf(login));
      return new URL(consent.headers.get("location") ?? "");
    };
    const cookies: string[] = [];
    const follow = async (code: string, state: string) => {
      const response = await fetch(`${server.url}/auth/spotify/callback?code=${code}&state=${state}`, {
        redirect: "manual",
        headers: { cookie: cookies.join("; ") },
      });
      return new URL(response.headers.get("location") ?? "");
    };

    const first = await start();
    const usedCode = first.searchParams.get("code") ?? "";
    expect(
      (await follow(usedCode, first.searchParams.get("state") ?? "")).searchParams.has("login_code"),
    ).toBe(true);
    const second = await start();
    const replayed = await follow(usedCode, second.searchParams.get("state") ?? "");
    expect(replayed.searchParams.get("error")).toBe("spotify_refused");
    expect(replayed.searchParams.has("login_code")).toBe(false);

    const third = await start();
    const state = third.searchParams.get("state") ?? "";
    await server.database.db
      .update(oauthStates)
      .set({ codeVerifier: "a".repeat(86) })
      .where(eq(oauthStates.state, state));
    const wrongVerifier = await follow(third.searchParams.get("code") ?? "", state);
    expect(wrongVerifier.searchParams.get("error")).toBe("spotify_refused");
  });

  it("refuses a login code after its 60 seconds", async () => {
    const clock = new ManualClock(new Date());
    const timed = await startTestServer({ clock });
    try {
      const code = await loginCode(timed.url, "metalhead");
      clock.advance(61_000);
      expect(await trpcCode(rawClient(timed.url).auth.exchange.mutate({ code }))).toBe("UNAUTHORIZED");
    } finally {
      await timed.close();
    }
  });

  it("keeps Spotify tokens encrypted at rest", async () => {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "metalhead"),
    });
    const [row] = await server.database.db
      .select()
      .from(spotifyCredentials)
      .where(eq(spotifyCredentials.userId, session.user.id));
    if (!row) throw new Error("no credentials stored");
    const accessToken = server.services.cipher.decrypt(row.accessTokenCiphertext, session.user.id);
    const refreshToken = server.services.cipher.decrypt(row.refreshTokenCiphertext, session.user.id);
    expect(accessToken.length).toBeGreaterThan(20);
    const raw = await server.database.db.execute(
      sql`select row_to_json(c)::text as raw from spotify_credentials c where user_id = ${session.user.id}`,
    );
    const text = JSON.stringify(raw);
    expect(text).not.toContain(accessToken);
    expect(text).not.toContain(refreshToken);
    const users = await server.database.db.execute(sql`select row_to_json(u)::text as raw from users u`);
    expect(JSON.stringify(users)).not.toContain(accessToken);
  });

  it("writes no token, code or secret to the request log", async () => {
    const landed = await signInRedirect(server.url, "chart-pop");
    const code = landed.searchParams.get("login_code") ?? "";
    const session = await rawClient(server.url).auth.exchange.mutate({ code });
    await rawClient(server.url, session.accessToken).auth.me.query();
    const refreshed = await rawClient(server.url).auth.refresh.mutate({ refreshToken: session.refreshToken });
    await rawClient(server.url).auth.logout.mutate({ refreshToken: refreshed.refreshToken });
    const lines = log.lines();
    expect(lines.some((line) => line.includes('"path":"/trpc/auth.me"'))).toBe(true);
    for (const secret of [code, session.accessToken, session.refreshToken, refreshed.refreshToken]) {
      expect(lines.find((line) => line.includes(secret))).toBeUndefined();
    }
    expect(lines.find((line) => /[?&](code|state|login_code)=/.test(line))).toBeUndefined();
  });

  it("waits out a 429 with Retry-After from Spotify's token endpoint", async () => {
    const login = await fetch(
      `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      {
        redirect: "manual",
      },
    );
    const authorize = new URL(login.headers.get("location") ?? "");
    authorize.searchParams.set("persona", "metalhead");
    const consent = await fetch(authorize, { redirect: "manual" });
    server.sandbox?.clearRequests();
    server.sandbox?.rateLimitNext(1, 1, "accounts"); // the next accounts request is the code exchange
    waits.length = 0;
    const callback = await fetch(consent.headers.get("location") ?? "", {
      redirect: "manual",
      headers: { cookie: cookiesOf(login) },
    });
    const landed = new URL(callback.headers.get("location") ?? "");
    expect(landed.searchParams.has("login_code")).toBe(true);
    expect(waits).toEqual([1000]); // Retry-After: 1, waited once before the retry
    const tokenCalls =
      server.sandbox?.requests.filter((request) => request.path === "/accounts/api/token") ?? [];
    expect(tokenCalls.map((request) => request.status)).toEqual([429, 200]);
  });
});

describe("sessions over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("refuses tampered, unsigned, foreign-key, foreign-audience and expired access tokens", async () => {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "metalhead"),
    });
    const [header, payload, signature] = session.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    const now = Math.floor(Date.now() / 1000);
    const sign = (secret: string, overrides: Record<string, unknown> = {}) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer((overrides.iss as string) ?? claims.iss)
        .setAudience((overrides.aud as string) ?? claims.aud)
        .setSubject(claims.sub)
        .setIssuedAt((overrides.iat as number) ?? now)
        .setExpirationTime((overrides.exp as number) ?? now + 600)
        .sign(new TextEncoder().encode(secret));
    const tampered = [
      header,
      Buffer.from(JSON.stringify({ ...claims, sub: "00000000-0000-4000-8000-000000000000" })).toString(
        "base64url",
      ),
      signature,
    ].join(".");
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url"),
      payload,
      "",
    ].join(".");
    const secret = server.config.auth.jwtSecret;
    const candidates = [
      tampered,
      unsigned,
      await sign("some-other-secret-which-is-long-enough!!"),
      await sign(secret, { aud: "another-service" }),
      await sign(secret, { iat: now - 3600, exp: now - 60 }),
      "garbage",
    ];
    for (const token of candidates) {
      expect(await trpcCode(rawClient(server.url, token).auth.me.query())).toBe("UNAUTHORIZED");
    }
    expect(await trpcCode(rawClient(server.url).auth.me.query())).toBe("UNAUTHORIZED");
    await expect(rawClient(server.url, await sign(secret)).auth.me.query()).resolves.toMatchObject({
      id: session.user.id,
    });
  });

  it("says why: an expired access token carries authReason token_expired", async () => {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "metalhead"),
    });
    const claims = JSON.parse(Buffer.from(session.accessToken.split(".")[1] ?? "", "base64url").toString());
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(claims.iss)
      .setAudience(claims.aud)
      .setSubject(claims.sub)
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 10)
      .sign(new TextEncoder().encode(server.config.auth.jwtSecret));
    const error = await rawClient(server.url, expired)
      .auth.me.query()
      .catch((caught: TRPCClientError<AppRouter>) => caught);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
      code: "UNAUTHORIZED",
      authReason: "token_expired",
    });
    expect((error as TRPCClientError<AppRouter>).message).toMatch(/expired/);
  });

  it("rotates refresh tokens, revokes the family on reuse, and logs out", async () => {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "chart-pop"),
    });
    const client = rawClient(server.url);
    const rotated = await client.auth.refresh.mutate({ refreshToken: session.refreshToken });
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    expect(await trpcCode(client.auth.refresh.mutate({ refreshToken: session.refreshToken }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await trpcCode(client.auth.refresh.mutate({ refreshToken: rotated.refreshToken }))).toBe(
      "UNAUTHORIZED",
    );

    const other = await client.auth.exchange.mutate({ code: await loginCode(server.url, "chart-pop") });
    await expect(client.auth.logout.mutate({ refreshToken: other.refreshToken })).resolves.toEqual({
      ok: true,
    });
    expect(await trpcCode(client.auth.refresh.mutate({ refreshToken: other.refreshToken }))).toBe(
      "UNAUTHORIZED",
    );
  });

  it("flattens invalid input into field errors", async () => {
    const error = await rawClient(server.url)
      .auth.exchange.mutate({ code: "" })
      .catch((caught: TRPCClientError<AppRouter>) => caught);
    const data = (error as TRPCClientError<AppRouter>).data as {
      code: string;
      zodError: { fieldErrors: object };
    };
    expect(data?.code).toBe("BAD_REQUEST");
    expect(data?.zodError?.fieldErrors).toEqual({ code: ["code is required"] });
    expect(JSON.stringify((error as TRPCClientError<AppRouter>).shape)).not.toMatch(/stack|at .*\.ts/);
  });
});

describe("sign-in as a development-mode app (SANDBOX_DEVELOPMENT_MODE=on)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { SANDBOX_DEVELOPMENT_MODE: "on" } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("lets five listeners in and sends the sixth back with error=spotify_user_not_registered", async () => {
    for (const persona of ["metalhead", "chart-pop", "indie-obscurist", "hip-hop-head", "seed:5"]) {
      expect((await signInRedirect(server.url, persona)).searchParams.get("login_code")).toBeTruthy();
    }
    const refused = await signInRedirect(server.url, "jazz-soul-nostalgic");
    expect(`${refused.origin}${refused.pathname}`).toBe(TEST_REDIRECT);
    expect(Object.fromEntries(refused.searchParams)).toEqual({ error: "spotify_user_not_registered" });
    // A listener already admitted signs in again as before.
    expect((await signInRedirect(server.url, "metalhead")).searchParams.get("login_code")).toBeTruthy();
  });

  it("the client library turns the code into the sentence people read", async () => {
    // The five listeners above fill the app's list: anyone else is refused.
    const error = await demoLoginCode({ url: server.url, persona: "classical-curator" }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SignInError);
    expect((error as SignInError).message).toBe(
      "Sign-in failed: this app is in Spotify's development mode and is limited to listeners its owner has added; ask the owner to add your Spotify account in the Spotify developer dashboard (spotify_user_not_registered).",
    );
  });
});

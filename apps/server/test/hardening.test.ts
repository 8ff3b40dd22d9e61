import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@unwrapped/api";
import { createClient, signInWithPersona } from "@unwrapped/client";
import { oauthStates } from "@unwrapped/db";
import { ManualClock } from "@unwrapped/services";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cookiesOf,
  loginCode,
  startTestServer,
  TEST_REDIRECT,
  type TestServer,
} from "./support/test-server.js";
import { rawClient } from "./support/trpc-client.js";

async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

const superjsonBody = (json: unknown) => JSON.stringify({ json });

describe("hardening: batches and rate limits", () => {
  let server: TestServer;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    server = await startTestServer({
      clock,
      env: {
        TRPC_MAX_BATCH_SIZE: "3",
        RATE_LIMIT_AUTH_BURST: "2",
        RATE_LIMIT_AUTH_PER_MINUTE: "1",
        RATE_LIMIT_SIGN_IN_BURST: "2",
        RATE_LIMIT_SIGN_IN_PER_MINUTE: "1",
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("refuses a batch over TRPC_MAX_BATCH_SIZE with 400 and runs none of its calls", async () => {
    const session = await server.services.sessions.exchangeLoginCode(
      await server.services.sessions.createLoginCode(
        (await server.services.sessions.exchangeLoginCode(await loginCode(server.url, "metalhead"))).user.id,
      ),
    );
    const calls = ["auth.logout", "auth.logout", "auth.logout", "auth.logout"];
    const body = Object.fromEntries(
      calls.map((_, index) => [index, { json: { refreshToken: session.refreshToken } }]),
    );
    const response = await fetch(`${server.url}/trpc/${calls.join(",")}?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Batch call exceeds maximum size");
    // Nothing ran: the session was not logged out.
    const refreshed = await server.services.sessions.refresh(session.refreshToken);
    expect(refreshed.refreshToken).not.toBe(session.refreshToken);

    const allowed = await fetch(`${server.url}/trpc/health.check,health.check,health.check?batch=1`);
    expect(allowed.status).toBe(200);
  });

  it("limits auth.exchange per client with TOO_MANY_REQUESTS, retryAfterSeconds and Retry-After", async () => {
    const client = rawClient(server.url);
    // The bucket holds two; a wrong code still spends a token.
    expect((await trpcError(client.auth.exchange.mutate({ code: "wrong-1" }))).data?.code).toBe(
      "UNAUTHORIZED",
    );
    expect((await trpcError(client.auth.refresh.mutate({ refreshToken: "wrong-2" }))).data?.code).toBe(
      "UNAUTHORIZED",
    );
    const limited = await trpcError(client.auth.exchange.mutate({ code: "wrong-3" }));
    expect(limited.data?.code).toBe("TOO_MANY_REQUESTS");
    expect(limited.data?.httpStatus).toBe(429);
    expect(limited.data?.retryAfterSeconds).toBe(60);

    const raw = await fetch(`${server.url}/trpc/auth.exchange`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: superjsonBody({ code: "wrong-4" }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBe("60");

    // X-Forwarded-For is not believed without TRUST_PROXY: a forged one does not get a fresh bucket.
    const forged = await fetch(`${server.url}/trpc/auth.exchange`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: superjsonBody({ code: "wrong-5" }),
    });
    expect(forged.status).toBe(429);

    // Public procedures outside the limit keep answering.
    expect((await fetch(`${server.url}/trpc/health.check`)).status).toBe(200);

    clock.advance(60_000); // one token back
    expect((await trpcError(client.auth.exchange.mutate({ code: "wrong-6" }))).data?.code).toBe(
      "UNAUTHORIZED",
    );
  });

  it("limits the sign-in start and callback per client with 429 and Retry-After", async () => {
    clock.advance(10 * 60_000);
    const login = () =>
      fetch(`${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`, {
        redirect: "manual",
      });
    expect((await login()).status).toBe(302);
    expect((await login()).status).toBe(302);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ error: "rate_limited" });
    const callback = await fetch(`${server.url}/auth/spotify/callback?state=x&code=y`, {
      redirect: "manual",
    });
    expect(callback.status).toBe(429);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("hardening: sign-in states", () => {
  it("sweeps states never used once they expired", async () => {
    const clock = new ManualClock(new Date());
    const server = await startTestServer({ clock });
    try {
      const start = await server.services.signIn.begin(undefined);
      const state = new URL(start.authorizeUrl).searchParams.get("state") ?? "";
      const stored = () => server.database.db.select().from(oauthStates).where(eq(oauthStates.state, state));
      await server.services.retention.sweep();
      expect(await stored()).toHaveLength(1);
      clock.advance(11 * 60_000);
      await server.services.retention.sweep();
      expect(await stored()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("hardening: behind a proxy", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { TRUST_PROXY: "on", RATE_LIMIT_AUTH_BURST: "1", RATE_LIMIT_AUTH_PER_MINUTE: "1" },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("keys the limit on the address the trusted proxy saw (the rightmost X-Forwarded-For entry)", async () => {
    const exchange = (forwardedFor: string) =>
      fetch(`${server.url}/trpc/auth.exchange`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
        body: superjsonBody({ code: "wrong" }),
      }).then((response) => response.status);
    expect(await exchange("198.51.100.1")).toBe(401);
    expect(await exchange("198.51.100.1")).toBe(429);
    // A client writing its own X-Forwarded-For entry to the left changes nothing.
    expect(await exchange("10.9.9.9, 198.51.100.1")).toBe(429);
    expect(await exchange("198.51.100.2")).toBe(401);
  });
});

describe("hardening: the HTTP surface", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("binds the sign-in state to the starting browser: a callback opened by another client gets no login code", async () => {
    const login = await fetch(
      `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      {
        redirect: "manual",
      },
    );
    const [cookie = ""] = login.headers.getSetCookie();
    expect(cookie).toMatch(
      /^unwrapped_sign_in_[A-Za-z0-9_-]{16}=[A-Za-z0-9_-]{43}; Path=\/auth\/spotify; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    const authorize = new URL(login.headers.get("location") ?? "");
    authorize.searchParams.set("persona", "metalhead");
    const consent = await fetch(authorize, { redirect: "manual" });
    const callbackUrl = consent.headers.get("location") ?? "";

    // The attacker's callback URL, opened by the victim's browser (which has no such cookie).
    const victim = await fetch(callbackUrl, { redirect: "manual" });
    const landed = new URL(victim.headers.get("location") ?? "");
    expect(landed.searchParams.get("error")).toBe("invalid_state");
    expect(landed.searchParams.has("login_code")).toBe(false);
    // A cookie of the right name with another value does not pass either; the state is spent anyway.
    const forged = await fetch(callbackUrl, {
      redirect: "manual",
      headers: { cookie: `${cookiesOf(login).split("=")[0]}=${"A".repeat(43)}` },
    });
    expect(new URL(forged.headers.get("location") ?? "").searchParams.has("login_code")).toBe(false);
    const original = await fetch(callbackUrl, { redirect: "manual", headers: { cookie: cookiesOf(login) } });
    expect(new URL(original.headers.get("location") ?? "").searchParams.has("login_code")).toBe(false);
  });

  it("refuses NUL bytes in query strings, share tokens and tRPC input with 400, never 500", async () => {
    const urls = [
      `/auth/spotify/login?redirect_to=${encodeURIComponent(`${TEST_REDIRECT}\u0000`)}`,
      "/auth/spotify/callback?state=%00&code=x",
      "/auth/spotify/callback?state=abc&code=%00",
      "/auth/spotify/callback?error=%00",
      "/s/abc%00def",
      "/s/%E0%A4%A",
    ];
    for (const url of urls) {
      const response = await fetch(`${server.url}${url}`, { redirect: "manual" });
      expect(response.status, url).toBe(400);
    }
    const share = await fetch(
      `${server.url}/trpc/share.get?input=${encodeURIComponent(superjsonBody({ token: "a\u0000b" }))}`,
    );
    expect(share.status).toBe(400);
    expect(await share.json()).toMatchObject({
      error: { json: { message: expect.stringContaining("NUL") } },
    });
    const exchange = await trpcError(rawClient(server.url).auth.exchange.mutate({ code: "x\u0000" }));
    expect(exchange.data?.code).toBe("BAD_REQUEST");
  });

  it("checks history cursors as a UUID and a timestamp PostgreSQL stores", async () => {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "chart-pop"),
    });
    const client = rawClient(server.url, session.accessToken);
    const cursors = [
      Buffer.from(`2026-01-01T00:00:00.000Z|${"-".repeat(36)}`).toString("base64url"),
      Buffer.from("-271821-04-20T00:00:00.000Z|6f1c2b1e-8a9d-4c3b-9f0a-1b2c3d4e5f60").toString("base64url"),
      Buffer.from("2026-01-01T00:00:00.000Z|6f1c2b1e-8a9d-4c3b-9f0a-1b2c3d4e5f6\u0000").toString("base64url"),
    ];
    for (const cursor of cursors) {
      expect((await trpcError(client.analysis.history.query({ cursor }))).data?.code).toBe("BAD_REQUEST");
    }
  });

  it("answers unreadable requests plainly: bad JSON, bad superjson, deep nesting", async () => {
    const post = (body: string) =>
      fetch(`${server.url}/trpc/auth.exchange`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    for (const body of [
      "{not json",
      JSON.stringify({ json: { code: "x" }, meta: { values: { code: ["custom", "nope"] } } }),
      JSON.stringify({ json: { code: "x" }, meta: { values: { "__proto__.polluted": ["map"] } } }),
      `{"json":${"[".repeat(5000)}${"]".repeat(5000)}}`,
    ]) {
      const response = await post(body);
      expect(response.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(response.status, body.slice(0, 40)).toBeLessThan(500);
      const text = await response.text();
      expect(text).not.toMatch(/Unexpected token|JSON\.parse|at .*\.js|superjson|stack/i);
    }
    const unreadable = await post("{not json");
    expect(await unreadable.json()).toMatchObject({
      error: { json: { message: "The request could not be read." } },
    });
  });

  it("answers 405 to methods no route supports", async () => {
    for (const method of ["PUT", "PATCH", "TRACE"]) {
      for (const path of ["/healthz", "/trpc/health.check", "/auth/spotify/login"]) {
        const answer = await new Promise<{ status: number; allow: string }>((resolve, reject) => {
          const request = httpRequest(`${server.url}${path}`, { method }, (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, allow: String(response.headers.allow) });
          });
          request.once("error", reject);
          request.end();
        });
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(answer.allow).toContain("GET");
      }
    }
  });

  it("authenticates queries and mutations by the Authorization header only, not by connectionParams", async () => {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "metalhead"),
    });
    const connectionParams = encodeURIComponent(JSON.stringify({ accessToken: session.accessToken }));
    const me = await fetch(`${server.url}/trpc/auth.me?connectionParams=${connectionParams}`);
    expect(me.status).toBe(401);
    const withHeader = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(withHeader.status).toBe(200);
  });
});

describe("hardening: slow clients", () => {
  let server: TestServer;
  beforeAll(async () => {
    // The production limits (20 s, 30 s) shortened, so the test does not wait; nothing here is timed.
    server = await startTestServer({
      env: { WORKER: "external" }, // no worker: analyses stay pending until the test moves them
      timeouts: { headersMs: 300, requestMs: 600, keepAliveMs: 200, checkIntervalMs: 100 },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("cuts off a client trickling its headers", async () => {
    const { port, hostname } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {}); // the server hangs up on it: writes after that fail
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const trickle = setInterval(() => socket.write("x-slow: 1\r\n"), 50);
    const answer = await new Promise<string>((resolve) => {
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString();
      });
      socket.once("close", () => resolve(received));
    });
    clearInterval(trickle);
    // Node answers 408 Request Timeout and closes the connection; no /healthz answer was ever sent.
    expect(answer).not.toContain('"status":"ok"');
    expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
  });

  it("cuts off a client trickling its body", async () => {
    const { port, hostname } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {}); // the server hangs up on it: writes after that fail
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      "POST /trpc/auth.exchange HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n",
    );
    const trickle = setInterval(() => socket.write(" "), 50);
    const answer = await new Promise<string>((resolve) => {
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString();
      });
      socket.once("close", () => resolve(received));
      socket.once("error", () => resolve(received));
    });
    clearInterval(trickle);
    expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
  });

  it("leaves SSE streams open past the request timeout", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "metalhead" });
    const client = createClient({ url: server.url, accessToken: session.accessToken });
    const { analysisId } = await client.analysis.begin.mutate();
    const statuses: string[] = [];
    let changed!: () => void;
    const processing = new Promise<void>((resolve) => {
      changed = resolve;
    });
    let opened!: () => void;
    const first = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const subscription = client.analysis.watch.subscribe(
      { analysisId },
      {
        onData: ({ data }) => {
          statuses.push(data.status);
          opened();
          if (data.status === "processing") changed();
        },
      },
    );
    await first;
    // A trickling client is cut off: by then the stream has been open longer than the request timeout.
    const { port, hostname } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {}); // the server hangs up on it: writes after that fail
    socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    const trickle = setInterval(() => socket.write("x-slow: 1\r\n"), 50);
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    clearInterval(trickle);
    await server.services.queue.claim("test-worker", 1);
    await processing;
    subscription.unsubscribe();
    expect(statuses).toEqual(["pending", "processing"]);
  });
});

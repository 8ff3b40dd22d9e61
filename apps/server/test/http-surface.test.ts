import { createIsolatedDatabase } from "@unwrapped/db/testing";
import { freePort, silentLogger, testConfig } from "@unwrapped/services/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../src/server.js";
import { startTestServer, type TestServer } from "./support/test-server.js";
import { rawClient } from "./support/trpc-client.js";

describe("the HTTP surface", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { APP_URL: "https://app.unwrapped.example", BODY_LIMIT_KB: "1" } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers /healthz and /readyz, and health.check says which database and worker run", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    // The inline worker announces itself like any worker process.
    expect(await ready.json()).toEqual({ status: "ok", liveWorkers: 1 });
    expect(await rawClient(server.url).health.check.query()).toEqual({
      status: "ok",
      database: server.database.kind,
      worker: "inline",
      liveWorkers: 1,
    });
  });

  it("sets security headers and never says x-powered-by", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get("x-powered-by")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  it("allows CORS for APP_URL only", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/trpc/health.check`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization",
        },
      });
    const allowed = await preflight("https://app.unwrapped.example");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.unwrapped.example");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    const foreign = await preflight("https://evil.example");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await fetch(`${server.url}/trpc/health.check`, {
      headers: { origin: "https://evil.example" },
    });
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses bodies over the limit", async () => {
    const response = await fetch(`${server.url}/trpc/auth.exchange`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { code: "x".repeat(4096) } }),
    });
    expect(response.status).toBe(413);
  });

  it("answers unknown routes and procedures with 404 and no internals", async () => {
    const route = await fetch(`${server.url}/nope`);
    expect(route.status).toBe(404);
    expect(await route.json()).toEqual({ error: "not_found", message: "There is nothing here." });
    const procedure = await fetch(`${server.url}/trpc/nope.nothing`);
    expect(procedure.status).toBe(404);
    expect(await procedure.text()).not.toMatch(/node_modules|\.ts:\d+/);
  });

  it("does not let the demo sandbox redirect anywhere but this server's callback", async () => {
    const authorize = (redirectUri: string) =>
      fetch(
        `${server.url}/sandbox/spotify/accounts/authorize?${new URLSearchParams({
          client_id: server.config.spotify.clientId,
          response_type: "code",
          redirect_uri: redirectUri,
          persona: "metalhead",
          state: "s",
        })}`,
        { redirect: "manual" },
      );
    const foreign = await authorize("https://evil.example/collect");
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get("location")).toBeNull();
    const own = await authorize(server.config.spotify.redirectUri);
    expect(own.status).toBe(302);
    expect(own.headers.get("location")).toMatch(new RegExp(`^${server.config.spotify.redirectUri}\\?code=`));
  });
});

describe("readiness", () => {
  it("is 503 until migrations are applied", async () => {
    const database = await createIsolatedDatabase({ empty: true });
    const port = await freePort();
    const server = await startServer({
      config: testConfig({
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        MIGRATE: "off",
        WORKER: "external",
      }),
      database,
      logger: silentLogger,
    });
    try {
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: "unavailable" });
    } finally {
      await server.close();
      await database.close();
    }
  });
});

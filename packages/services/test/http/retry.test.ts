import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { UpstreamError } from "../../src/errors.js";
import {
  backoffDelay,
  defaultRetryPolicy,
  fetchWithRetry,
  type HttpDependencies,
  parseRetryAfter,
  readJson,
} from "../../src/http/retry.js";
import { eventually } from "../../src/testing/index.js";
import { destroy, hang, json, raw, startScriptedServer } from "../support/scripted-server.js";
import { recordingTimers } from "../support/timers.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Real fetch; sleeps are recorded instead of waited, so tests see exactly what the client waited. */
function recordingDependencies(clock = new ManualClock()) {
  const timers = recordingTimers();
  const dependencies: HttpDependencies = {
    fetch: (input, init) => fetch(input, init),
    clock,
    timers,
    random: () => 0.5,
  };
  return { sleeps: timers.sleeps, dependencies };
}

async function serve(...replies: Parameters<typeof startScriptedServer>[0]) {
  const server = await startScriptedServer(replies);
  servers.push(server);
  return server;
}

describe("fetchWithRetry", () => {
  it("retries 5xx with full-jitter exponential backoff, then returns the success", async () => {
    const server = await serve(json(503, {}), json(502, {}), json(200, { ok: true }));
    const { sleeps, dependencies } = recordingDependencies();
    const response = await fetchWithRetry(server.url, {}, { description: "test" }, dependencies);
    expect(await response.json()).toEqual({ ok: true });
    expect(server.requests).toBe(3);
    expect(sleeps).toEqual([100, 200]); // random 0.5 × min(4000, 200·2^(n-1))
  });

  it("waits for Retry-After on a 429, then succeeds", async () => {
    const server = await serve(
      json(429, { error: { status: 429 } }, { "retry-after": "2" }),
      json(200, { ok: 1 }),
    );
    const { sleeps, dependencies } = recordingDependencies();
    const response = await fetchWithRetry(server.url, {}, { description: "test" }, dependencies);
    expect(response.status).toBe(200);
    expect(sleeps).toEqual([2000]);
  });

  it("does not wait out a Retry-After longer than the cap: a retryable error carrying the wait", async () => {
    const server = await serve(json(429, {}, { "retry-after": "60" }));
    const { sleeps, dependencies } = recordingDependencies();
    const error = await fetchWithRetry(server.url, {}, { description: "test" }, dependencies).catch((e) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 60_000 });
    expect(sleeps).toEqual([]);
  });

  it("retries network errors and gives up with a retryable error after the last attempt", async () => {
    const server = await serve(destroy());
    const { sleeps, dependencies } = recordingDependencies();
    const error = await fetchWithRetry(server.url, {}, { description: "Spotify test" }, dependencies).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Spotify test could not be reached");
    expect(server.requests).toBe(defaultRetryPolicy.maxAttempts);
    expect(sleeps).toHaveLength(defaultRetryPolicy.maxAttempts - 1);
  });

  it("reads a Retry-After date against the injected clock", async () => {
    const clock = new ManualClock("2026-11-27T10:00:00Z");
    const server = await serve(
      json(429, {}, { "retry-after": "Fri, 27 Nov 2026 10:00:03 GMT" }),
      json(200, { ok: 1 }),
    );
    const { sleeps, dependencies } = recordingDependencies(clock);
    const response = await fetchWithRetry(server.url, {}, { description: "test" }, dependencies);
    expect(response.status).toBe(200);
    expect(sleeps).toEqual([3000]);
  });

  it("times out a request that never answers, each attempt on its own", async () => {
    const server = await serve(hang());
    const clock = new ManualClock();
    const dependencies: HttpDependencies = {
      fetch: (input, init) => fetch(input, init),
      clock,
      timers: clock,
      random: () => 0.5,
    };
    const attempt = fetchWithRetry(
      server.url,
      {},
      { description: "slow", policy: { ...defaultRetryPolicy, timeoutMs: 100, maxAttempts: 2 } },
      dependencies,
    ).catch((e) => e);
    // Time moves only here, once each request has reached the server.
    await eventually(() => server.requests === 1);
    clock.advance(100); // the first attempt's timeout
    await clock.untilTimer(100); // the backoff: 0.5 × 200 ms
    clock.advance(100);
    await eventually(() => server.requests === 2);
    clock.advance(100); // the second attempt's timeout
    expect(await attempt).toMatchObject({ retryable: true, message: "slow did not answer within 100 ms" });
    expect(server.requests).toBe(2);
  });

  it("returns 4xx answers to the caller without retrying", async () => {
    const server = await serve(json(403, { error: { status: 403 } }));
    const { dependencies } = recordingDependencies();
    const response = await fetchWithRetry(server.url, {}, { description: "test" }, dependencies);
    expect(response.status).toBe(403);
    expect(server.requests).toBe(1);
  });

  it("treats a malformed JSON body as a final error", async () => {
    const server = await serve(raw(200, "{not json"));
    const response = await fetch(server.url);
    const error = await readJson(response, "Spotify thing").catch((e) => e);
    expect(error).toMatchObject({ retryable: false, message: "Spotify thing returned a malformed response" });
  });
});

describe("retry helpers", () => {
  it("parses Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2026-11-27T10:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("Fri, 27 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Fri, 27 Nov 2026 09:59:00 GMT", now)).toBe(0); // in the past: retry now
  });

  it("caps the backoff ceiling", () => {
    expect(backoffDelay(1, defaultRetryPolicy, () => 0.999)).toBeLessThan(200);
    expect(backoffDelay(10, defaultRetryPolicy, () => 0.999)).toBeLessThan(4000);
    expect(backoffDelay(10, defaultRetryPolicy, () => 0)).toBe(0);
  });
});

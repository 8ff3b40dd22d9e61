import type { DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, systemTimers } from "../../src/clock.js";
import { UpstreamError } from "../../src/errors.js";
import { defaultHttpDependencies } from "../../src/http/retry.js";
import { SpotifyBudget } from "../../src/spotify/spotify-budget.js";
import { SpotifyWebApiClient } from "../../src/spotify/web-api-client.js";
import { silentLogger } from "../../src/testing/index.js";
import {
  accountsClientFor,
  authorizePersona,
  fastRetryPolicy,
  startTestSandbox,
} from "../support/spotify-connection.js";

/**
 * Two "worker processes": each its own connection pool to the same database (on PostgreSQL; PGlite has
 * one) and its own budget and Web API client, against one sandbox whose clock is the test's.
 */
describe("SpotifyBudget shared by two workers", () => {
  let clock = new ManualClock();
  let sandbox: RunningSandbox;
  let token: string;
  const handles: DatabaseHandle[] = [];
  const budgets: SpotifyBudget[] = [];

  beforeEach(() => {
    clock = new ManualClock();
  });
  beforeAll(async () => {
    sandbox = await startTestSandbox({ now: () => clock.now().getTime() });
    token = (await authorizePersona(accountsClientFor(sandbox), "metalhead")).accessToken;
  });
  afterEach(async () => {
    await Promise.all(budgets.splice(0).map((budget) => budget.close()));
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
    sandbox.controls.reset();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function twoWorkers(maxRequestsPerSecond: number | null) {
    const first = await createIsolatedDatabase();
    handles.push(first);
    let second: DatabaseHandle = first;
    if (first.kind === "postgres") {
      const { createDatabase } = await import("@unwrapped/db");
      second = await createDatabase(
        (first as unknown as { config: Parameters<typeof createDatabase>[0] }).config,
      );
      handles.push(second);
    }
    return [first, second].map((handle) => {
      const budget = new SpotifyBudget({
        database: handle,
        clock,
        timers: clock,
        logger: silentLogger,
        maxRequestsPerSecond,
      });
      budgets.push(budget);
      // Sleeps on the test's clock; request timeouts real (they only matter if something hangs).
      const timers = { sleep: clock.sleep.bind(clock), timeout: systemTimers.timeout };
      const http = { ...defaultHttpDependencies, clock, timers, random: () => 0.5 };
      const api = new SpotifyWebApiClient(sandbox.apiUrl, { http, policy: fastRetryPolicy, budget });
      return { budget, api };
    });
  }

  const spotifyRequests = () =>
    sandbox.controls.requests.filter((request) => request.path.startsWith("/api/"));

  it("a long Retry-After one worker gets stops both until it has passed, then both call again", async () => {
    const [a, b] = await twoWorkers(null);
    if (!a || !b) throw new Error("two workers expected");
    await Promise.all([a.budget.start(), b.budget.start()]);
    sandbox.controls.clearRequests();
    sandbox.controls.rateLimitNext(1, 30);
    const start = clock.now().getTime();

    const refused = await a.api.topArtists(token, "short_term").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({ retryable: true, status: 429, retryAfterMs: 30_000 });
    // The other worker hears of the pause through NOTIFY, without asking Spotify.
    await expect.poll(() => b.budget.pausedUntil.getTime()).toBe(start + 30_000);

    // 10 s before the end, longer than a request waits (maxRetryAfterMs): both give their analysis back.
    clock.advance(20_000);
    for (const worker of [b, a]) {
      await expect(worker.api.topTracks(token, "long_term")).rejects.toMatchObject({
        retryable: true,
        status: 429,
        retryAfterMs: 10_000,
      });
    }
    expect(spotifyRequests().map((request) => request.status)).toEqual([429]);

    clock.advance(10_000);
    await expect(b.api.recentlyPlayed(token)).resolves.toEqual(expect.any(Array));
    await expect(a.api.recentlyPlayed(token)).resolves.toEqual(expect.any(Array));
    expect(spotifyRequests().map((request) => request.status)).toEqual([429, 200, 200]);
    expect(spotifyRequests()[1]?.startedAt).toBe(start + 30_000);
  });

  it("a short Retry-After holds both workers' requests and lets them go once it has passed", async () => {
    const [a, b] = await twoWorkers(null);
    if (!a || !b) throw new Error("two workers expected");
    await Promise.all([a.budget.start(), b.budget.start()]);
    sandbox.controls.clearRequests();
    sandbox.controls.rateLimitNext(1, 2);
    const start = clock.now().getTime();

    const fromA = a.api.topArtists(token, "short_term");
    await expect.poll(() => b.budget.pausedUntil.getTime()).toBe(start + 2_000);
    const fromB = b.api.topArtists(token, "medium_term");
    await expect.poll(() => clock.pendingTimers).toBe(2); // both wait for the pause to end
    expect(spotifyRequests()).toHaveLength(1);

    clock.advance(2_000);
    await expect(Promise.all([fromA, fromB])).resolves.toHaveLength(2);
    const requests = spotifyRequests();
    expect(requests.map((request) => request.status)).toEqual([429, 200, 200]);
    expect(requests.slice(1).every((request) => request.startedAt === start + 2_000)).toBe(true);
  });

  it("holds SPOTIFY_MAX_RPS across both workers together, within 10 %", async () => {
    const rate = 10;
    const [a, b] = await twoWorkers(rate);
    if (!a || !b) throw new Error("two workers expected");
    // The sandbox refuses anything above the rate, counted across both workers' requests.
    sandbox.controls.limitRate(rate, { windowSeconds: 1 });
    await Promise.all([a.budget.start(), b.budget.start()]);
    sandbox.controls.clearRequests();
    const perWorker = 15;
    let running = 2;
    const drain = async (worker: typeof a) => {
      try {
        for (let request = 0; request < perWorker; request++) await worker.api.topArtists(token, "long_term");
      } finally {
        running--;
      }
    };
    const drained = Promise.all([drain(a), drain(b)]);
    // Time moves only while both workers wait for their slots, so no request is late for its slot.
    while (running > 0) {
      await expect.poll(() => running === 0 || clock.pendingTimers === running).toBe(true);
      if (running > 0) clock.advance(1000 / rate / 2);
    }
    await drained;

    const requests = spotifyRequests();
    expect(requests).toHaveLength(2 * perWorker);
    expect(requests.filter((request) => request.status !== 200)).toEqual([]);
    const first = requests[0]?.startedAt ?? 0;
    const last = requests.at(-1)?.startedAt ?? 0;
    const measured = ((requests.length - 1) * 1000) / (last - first);
    expect(measured).toBeGreaterThanOrEqual(rate * 0.9);
    expect(measured).toBeLessThanOrEqual(rate * 1.1);
    // And in every one-second window, never more than the rate.
    for (const request of requests) {
      const inWindow = requests.filter(
        (other) => other.startedAt >= request.startedAt && other.startedAt < request.startedAt + 1000,
      );
      expect(inWindow.length).toBeLessThanOrEqual(rate);
    }
  });
});

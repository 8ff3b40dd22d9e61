import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Collector } from "../../src/analysis/collector.js";
import { SOURCES } from "../../src/analysis/types.js";
import { UpstreamError } from "../../src/errors.js";
import type { HttpDependencies } from "../../src/http/retry.js";
import { SpotifyWebApiClient } from "../../src/spotify/web-api-client.js";
import { silentLogger } from "../../src/testing/index.js";
import {
  accountsClientFor,
  authorizePersona,
  fastRetryPolicy,
  startTestSandbox,
} from "../support/spotify-connection.js";
import { noWaitingHttp } from "../support/timers.js";

const noWaiting: HttpDependencies = noWaitingHttp();

describe("Collector", () => {
  let sandbox: RunningSandbox;
  let collector: Collector;
  let token: string;
  let refreshToken: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const tokens = await authorizePersona(accountsClientFor(sandbox), "eclectic-explorer");
    token = tokens.accessToken;
    refreshToken = tokens.refreshToken;
    collector = new Collector(
      new SpotifyWebApiClient(sandbox.apiUrl, { http: noWaiting, policy: fastRetryPolicy }),
      silentLogger,
    );
  });
  afterEach(() => {
    sandbox.controls.reset();
    sandbox.controls.clearRequests();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("requests the seven sources in parallel: all seven are in flight before any is answered", async () => {
    // Every request waits at this barrier until seven are in flight: sequential requests would never
    // get past the first one.
    let inFlight = 0;
    let mostInFlight = 0;
    let allSent: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      allSent = resolve;
    });
    const barrierFetch: typeof fetch = async (input, init) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (inFlight === 7) allSent();
      await barrier;
      try {
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const parallel = new Collector(
      new SpotifyWebApiClient(sandbox.apiUrl, {
        http: { ...noWaiting, fetch: barrierFetch },
        policy: fastRetryPolicy,
      }),
      silentLogger,
    );
    sandbox.controls.clearRequests();
    const data = await parallel.collect(async () => token);
    expect(mostInFlight).toBe(7);
    expect(data.missingSources).toEqual([]);
    expect(data.topArtists.short_term?.length).toBeGreaterThan(0);
    expect(data.recentlyPlayed?.length).toBe(50);
    const requests = sandbox.controls.requests.filter((request) => request.path.startsWith("/api/"));
    expect(requests).toHaveLength(7);
  });

  it("records a failed source and carries on without it", async () => {
    sandbox.controls.malformedNext(1);
    const data = await collector.collect(async () => token);
    expect(data.missingSources).toHaveLength(1);
    const missing = data.missingSources[0];
    expect(SOURCES).toContain(missing);
    const present = SOURCES.filter((source) => source !== missing);
    expect(present).toHaveLength(6);
  });

  it("fails with a retryable error when every source fails", async () => {
    sandbox.controls.failNext(1000, 503);
    const error = await collector.collect(async () => token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: true });
  });

  it("refreshes once on 401 and retries the refused sources", async () => {
    const accounts = accountsClientFor(sandbox);
    let current = token;
    let refreshes = 0;
    const provider = async (options?: { staleToken?: string }) => {
      if (options?.staleToken) {
        refreshes++;
        current = (await accounts.refresh(refreshToken)).accessToken;
      }
      return current;
    };
    sandbox.controls.expireAccessTokens();
    const data = await collector.collect(provider);
    expect(refreshes).toBe(1);
    expect(data.missingSources).toEqual([]);
    token = current;
  });

  it("treats a 401 after the refresh as final", async () => {
    const error = await collector
      .collect(async () => "revoked-token-that-spotify-refuses")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, status: 401 });
  });
});

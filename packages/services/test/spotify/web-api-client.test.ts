import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SpotifyQuotaExceededError, UpstreamError } from "../../src/errors.js";
import { defaultHttpDependencies, type HttpDependencies } from "../../src/http/retry.js";
import { basicCredentials } from "../../src/spotify/accounts-client.js";
import { SpotifyWebApiClient } from "../../src/spotify/web-api-client.js";
import { TEST_SPOTIFY_CLIENT_ID, TEST_SPOTIFY_CLIENT_SECRET } from "../../src/testing/index.js";
import {
  accountsClientFor,
  authorizePersona,
  fastRetryPolicy,
  startTestSandbox,
} from "../support/spotify-connection.js";
import { recordingTimers } from "../support/timers.js";

describe("SpotifyWebApiClient against the sandbox's fault knobs", () => {
  let sandbox: RunningSandbox;
  let token: string;
  const timers = recordingTimers();
  const waits = timers.sleeps;
  const http: HttpDependencies = { ...defaultHttpDependencies, timers };
  let api: SpotifyWebApiClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    token = (await authorizePersona(accountsClientFor(sandbox), "metalhead")).accessToken;
    api = new SpotifyWebApiClient(sandbox.apiUrl, { http, policy: fastRetryPolicy });
  });
  afterEach(() => {
    sandbox.controls.reset();
    waits.length = 0;
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("reads 50 top artists, top tracks and recent plays as domain objects", async () => {
    const artists = await api.topArtists(token, "long_term");
    const tracks = await api.topTracks(token, "short_term");
    const plays = await api.recentlyPlayed(token);
    expect(artists.length).toBeGreaterThan(10);
    expect(artists.length).toBeLessThanOrEqual(50);
    expect(artists[0]).toMatchObject({ id: expect.any(String), name: expect.any(String) });
    expect(tracks[0]?.album.releaseDate).toMatch(/^\d{4}/);
    expect(plays[0]?.playedAt).toBeInstanceOf(Date);
  });

  it("waits for Retry-After on a 429 and then succeeds", async () => {
    sandbox.controls.rateLimitNext(1, 2);
    const artists = await api.topArtists(token, "medium_term");
    expect(artists.length).toBeGreaterThan(0);
    expect(waits).toEqual([2000]);
  });

  it("recognises Spotify's QUOTA_EXCEEDED 429 as a final quota error, not a rate limit to wait out", async () => {
    sandbox.controls.clearRequests();
    sandbox.controls.exceedQuotaNext(1, 2);
    const error = await api.topArtists(token, "short_term").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SpotifyQuotaExceededError);
    expect(error).toMatchObject({ retryable: false, status: 429, retryAfterMs: 2000 });
    expect(waits).toEqual([]);
    expect(sandbox.controls.requests).toHaveLength(1);
    // An ordinary rate limit with the same Retry-After is still waited out.
    sandbox.controls.rateLimitNext(1, 2);
    await expect(api.topArtists(token, "short_term")).resolves.not.toHaveLength(0);
    expect(waits).toEqual([2000]);
  });

  it("retries 5xx answers", async () => {
    sandbox.controls.failNext(2, 502);
    await expect(api.topTracks(token, "medium_term")).resolves.toHaveLength(50);
    expect(waits).toHaveLength(2);
  });

  it("fails for good on a malformed body, without retrying", async () => {
    sandbox.controls.malformedNext(1);
    sandbox.controls.clearRequests();
    const error = await api.recentlyPlayed(token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/malformed/);
    expect(sandbox.controls.requests).toHaveLength(1);
  });

  it("classifies 401 (refused token) and 403 (missing scope) as final, keeping the status", async () => {
    const refused = await api.topArtists("not-a-token", "short_term").catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ retryable: false, status: 401 });

    const accounts = accountsClientFor(sandbox);
    const url = new URL(accounts.authorizeUrl({ state: "s", codeChallenge: "c" }));
    url.searchParams.set("scope", "user-read-email");
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    url.searchParams.set("persona", "metalhead");
    const code = new URL(
      (await fetch(url, { redirect: "manual" })).headers.get("location") ?? "",
    ).searchParams.get("code");
    const response = await fetch(`${sandbox.accountsUrl}/api/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${basicCredentials(TEST_SPOTIFY_CLIENT_ID, TEST_SPOTIFY_CLIENT_SECRET)}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: code ?? "",
        redirect_uri: "http://127.0.0.1:9/auth/spotify/callback",
      }),
    });
    const narrow = ((await response.json()) as { access_token: string }).access_token;
    const forbidden = await api.topArtists(narrow, "short_term").catch((caught: unknown) => caught);
    expect(forbidden).toMatchObject({ retryable: false, status: 403 });
    expect((forbidden as Error).message).toMatch(/scope/);
  });

  it("gives up on a Retry-After beyond its cap with a retryable error carrying the wait", async () => {
    sandbox.controls.rateLimitNext(1, 30);
    const error = await api.topArtists(token, "short_term").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 30_000 });
  });
});

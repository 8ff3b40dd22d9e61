import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createSandbox,
  DEVELOPMENT_MODE_USER_LIMIT,
  type RunningSandbox,
  startSandbox,
  USER_NOT_REGISTERED_MESSAGE,
} from "../../src/index.js";
import { ALL_SCOPES, CLIENT_ID, CLIENT_SECRET, getApi, type SandboxUrls, signIn } from "../sign-in.js";

const NOW = Date.UTC(2026, 10, 20, 18, 30);
let sandbox: RunningSandbox;
let metalheadToken: string;

beforeAll(async () => {
  sandbox = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => NOW });
  metalheadToken = (await signIn(sandbox, "metalhead")).access_token;
});

afterEach(() => {
  sandbox.controls.reset();
});

afterAll(async () => {
  await sandbox.close();
});

type Json = Record<string, unknown>;

interface Page {
  href: string;
  items: Json[];
  limit: number;
  next: string | null;
  offset: number;
  previous: string | null;
  total: number;
}

interface CursorPage {
  href: string;
  items: { track: Json; played_at: string; context: Json | null }[];
  limit: number;
  next: string | null;
  cursors: { after: string; before: string } | null;
}

async function getOk<T>(path: string, token = metalheadToken, from: SandboxUrls = sandbox): Promise<T> {
  const { status, body } = await getApi(from, path, token);
  expect(status).toBe(200);
  return body as T;
}

async function fetchJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

function ids(items: readonly Json[]): string[] {
  return items.map((item) => item.id as string);
}

function jaccard(left: readonly string[], right: readonly string[]): number {
  const rightSet = new Set(right);
  const shared = left.filter((id) => rightSet.has(id)).length;
  return shared / new Set([...left, ...right]).size;
}

describe("GET /v1/me", () => {
  it("returns the PrivateUserObject, with email and private fields only for their scopes", async () => {
    const full = await getOk<Json>("/v1/me");
    expect(Object.keys(full).sort()).toEqual(
      [
        "account_id",
        "country",
        "display_name",
        "email",
        "explicit_content",
        "external_urls",
        "followers",
        "href",
        "id",
        "images",
        "product",
        "type",
        "uri",
      ].sort(),
    );
    expect(full).toMatchObject({
      country: "FI",
      email: "metalhead@example.com",
      explicit_content: { filter_enabled: false, filter_locked: false },
      followers: { href: null },
      type: "user",
    });
    expect(full.id).toMatch(/^31[a-z0-9]{26}$/);
    expect(full.href).toBe(`${sandbox.apiUrl}/v1/users/${full.id}`);
    expect((full.external_urls as Json).spotify).toBe(`https://open.spotify.com/user/${full.id}`);
    expect(full.images).toEqual([
      {
        url: expect.stringMatching(/^https:\/\/i\.scdn\.co\/image\/ab6775700000ee85[0-9a-f]{24}$/),
        height: 300,
        width: 300,
      },
    ]);

    const { access_token: topOnly } = await signIn(sandbox, "metalhead", ["user-top-read"]);
    const limited = await getOk<Json>("/v1/me", topOnly);
    for (const field of ["email", "country", "product", "explicit_content"])
      expect(limited).not.toHaveProperty(field);
    expect(limited.id).toBe(full.id);
  });

  it("answers JSON with Spotify's content type", async () => {
    const { response } = await getApi(sandbox, "/v1/me", metalheadToken);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });
});

describe("authentication and scopes", () => {
  it("answers 401 without a token and for an unknown one, with Spotify's error bodies", async () => {
    expect(await getApi(sandbox, "/v1/me", undefined)).toMatchObject({
      status: 401,
      body: { error: { status: 401, message: "No token provided" } },
    });
    expect(await getApi(sandbox, "/v1/me/top/artists", "BQunknown")).toMatchObject({
      status: 401,
      body: { error: { status: 401, message: "Invalid access token" } },
    });
  });

  it("names the Bearer scheme in WWW-Authenticate on every 401 (RFC 6750 §3), with invalid_token for a refused token", async () => {
    const missing = await getApi(sandbox, "/v1/me", undefined);
    expect(missing.response.headers.get("www-authenticate")).toBe('Bearer realm="spotify"');
    const unknown = await getApi(sandbox, "/v1/me/player/recently-played", "BQunknown");
    expect(unknown.response.headers.get("www-authenticate")).toBe(
      'Bearer realm="spotify", error="invalid_token", error_description="Invalid access token"',
    );
    const ok = await getApi(sandbox, "/v1/me", metalheadToken);
    expect(ok.response.headers.get("www-authenticate")).toBeNull();

    let clock = NOW;
    const shortLived = await startSandbox({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      accessTokenTtlSeconds: 60,
      now: () => clock,
    });
    try {
      const { access_token: token } = await signIn(shortLived, "chart-pop");
      clock += 60_000;
      const expired = await getApi(shortLived, "/v1/me/top/tracks", token);
      expect(expired.status).toBe(401);
      expect(expired.response.headers.get("www-authenticate")).toBe(
        'Bearer realm="spotify", error="invalid_token", error_description="The access token expired"',
      );
    } finally {
      await shortLived.close();
    }
  });

  it("answers 403 Insufficient client scope when the grant lacks the endpoint's scope", async () => {
    const { access_token: profileOnly } = await signIn(sandbox, "metalhead", ["user-read-email"]);
    for (const path of ["/v1/me/top/artists", "/v1/me/top/tracks", "/v1/me/player/recently-played"]) {
      expect(await getApi(sandbox, path, profileOnly)).toMatchObject({
        status: 403,
        body: { error: { status: 403, message: "Insufficient client scope" } },
      });
    }
    const { access_token: topOnly } = await signIn(sandbox, "metalhead", ["user-top-read"]);
    expect((await getApi(sandbox, "/v1/me/top/tracks", topOnly)).status).toBe(200);
    expect((await getApi(sandbox, "/v1/me/player/recently-played", topOnly)).status).toBe(403);
  });

  it("answers unknown Web API routes with a Spotify 404 body", async () => {
    expect(await getApi(sandbox, "/v1/me/albums", metalheadToken)).toMatchObject({
      status: 404,
      body: { error: { status: 404 } },
    });
  });
});

describe("top artists and tracks", () => {
  it("pages with limit and offset, with absolute href, next and previous links", async () => {
    const endpoint = `${sandbox.apiUrl}/v1/me/top/artists`;
    const first = await getOk<Page>("/v1/me/top/artists?time_range=short_term");
    expect(first).toMatchObject({
      href: `${endpoint}?time_range=short_term&offset=0&limit=20`,
      limit: 20,
      offset: 0,
      previous: null,
      total: 50,
      next: `${endpoint}?time_range=short_term&offset=20&limit=20`,
    });
    expect(first.items).toHaveLength(20);

    const second = await fetchJson<Page>(first.next ?? "", metalheadToken);
    expect(second).toMatchObject({
      offset: 20,
      previous: `${endpoint}?time_range=short_term&offset=0&limit=20`,
    });
    const third = await fetchJson<Page>(second.next ?? "", metalheadToken);
    expect(third).toMatchObject({
      offset: 40,
      next: null,
      previous: `${endpoint}?time_range=short_term&offset=20&limit=20`,
    });
    expect(third.items).toHaveLength(10);

    const all = await getOk<Page>("/v1/me/top/artists?time_range=short_term&limit=50");
    expect(ids([...first.items, ...second.items, ...third.items])).toEqual(ids(all.items));
    expect(new Set(ids(all.items)).size).toBe(50);

    const beyond = await getOk<Page>("/v1/me/top/artists?offset=50");
    expect(beyond).toMatchObject({ items: [], next: null, total: 50 });
  });

  it("defaults to medium_term, limit 20, offset 0", async () => {
    const tracks = await getOk<Page>("/v1/me/top/tracks");
    expect(tracks.href).toBe(`${sandbox.apiUrl}/v1/me/top/tracks?time_range=medium_term&offset=0&limit=20`);
    const explicit = await getOk<Page>("/v1/me/top/tracks?time_range=medium_term&limit=20&offset=0");
    expect(ids(tracks.items)).toEqual(ids(explicit.items));
  });

  it.each([
    ["limit=51", "Invalid limit"],
    ["limit=0", "Invalid limit"],
    ["limit=ten", "Invalid limit"],
    ["offset=-1", "Invalid offset"],
    ["time_range=forever", "Invalid time range"],
  ])("answers %s with 400 and a Spotify error body", async (query, message) => {
    const { status, body } = await getApi(sandbox, `/v1/me/top/artists?${query}`, metalheadToken);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { status: 400, message: expect.stringContaining(message) } });
  });

  it("keeps a loyal listener's artists across time ranges and rotates a disloyal one's", async () => {
    const { access_token: popToken } = await signIn(sandbox, "chart-pop");
    const overlap = async (token: string, kind: "artists" | "tracks") => {
      const short = await getOk<Page>(`/v1/me/top/${kind}?time_range=short_term&limit=50`, token);
      const long = await getOk<Page>(`/v1/me/top/${kind}?time_range=long_term&limit=50`, token);
      return jaccard(ids(short.items), ids(long.items));
    };
    expect(await overlap(metalheadToken, "artists")).toBeGreaterThan(0.8);
    expect(await overlap(metalheadToken, "tracks")).toBeGreaterThan(0.7);
    expect(await overlap(popToken, "artists")).toBeLessThan(0.4);
    expect(await overlap(popToken, "tracks")).toBeLessThan(0.4);
  });

  it("serves well-formed artist and track objects", async () => {
    const [artist = {}] = (await getOk<Page>("/v1/me/top/artists?limit=1")).items;
    expect(artist).toMatchObject({ type: "artist", followers: { href: null } });
    expect(artist.id).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(artist.uri).toBe(`spotify:artist:${artist.id}`);
    expect((artist.images as Json[]).map((image) => image.width)).toEqual([640, 320, 160]);

    const tracks = (await getOk<Page>("/v1/me/top/tracks?limit=50&time_range=long_term")).items;
    for (const track of tracks) {
      const album = track.album as Json;
      const precision = album.release_date_precision as string;
      const pattern = { year: /^\d{4}$/, month: /^\d{4}-\d{2}$/, day: /^\d{4}-\d{2}-\d{2}$/ }[precision];
      expect(album.release_date).toMatch(pattern ?? /^$/);
      expect(track.duration_ms).toBeGreaterThanOrEqual(90_000);
      expect(track.duration_ms).toBeLessThanOrEqual(540_000);
      expect(track).toMatchObject({ type: "track", is_local: false, preview_url: null });
      expect((track.external_ids as Json).isrc).toMatch(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/);
      expect(track.track_number).toBeLessThanOrEqual(album.total_tracks as number);
    }
  });
});

describe("recently played", () => {
  it("pages back in time with before cursors, newest first, without a total", async () => {
    const first = await getOk<CursorPage>("/v1/me/player/recently-played");
    expect(first).not.toHaveProperty("total");
    expect(first.href).toBe(`${sandbox.apiUrl}/v1/me/player/recently-played?limit=20`);
    expect(first.items).toHaveLength(20);
    const playedAt = first.items.map((item) => Date.parse(item.played_at));
    for (const item of first.items)
      expect(item.played_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect([...playedAt].sort((left, right) => right - left)).toEqual(playedAt);
    expect(playedAt[0]).toBeLessThanOrEqual(NOW);
    expect(playedAt.at(-1)).toBeGreaterThan(NOW - 7 * 24 * 3600 * 1000);
    expect(first.cursors).toEqual({ after: String(playedAt[0]), before: String(playedAt.at(-1)) });
    expect(first.next).toBe(
      `${sandbox.apiUrl}/v1/me/player/recently-played?before=${playedAt.at(-1)}&limit=20`,
    );

    const second = await fetchJson<CursorPage>(first.next ?? "", metalheadToken);
    expect(Date.parse(second.items[0]?.played_at ?? "")).toBeLessThan(playedAt.at(-1) ?? 0);
    const third = await fetchJson<CursorPage>(second.next ?? "", metalheadToken);
    expect(third.items).toHaveLength(10);
    expect(third.next).toBeNull();

    const all = await getOk<CursorPage>("/v1/me/player/recently-played?limit=50");
    expect([...first.items, ...second.items, ...third.items].map((item) => item.played_at)).toEqual(
      all.items.map((item) => item.played_at),
    );
  });

  it("returns the plays just after an `after` cursor", async () => {
    const all = await getOk<CursorPage>("/v1/me/player/recently-played?limit=50");
    const cursor = Date.parse(all.items[10]?.played_at ?? "");
    const newer = await getOk<CursorPage>(`/v1/me/player/recently-played?after=${cursor}&limit=4`);
    expect(newer.items.map((item) => item.played_at)).toEqual(
      all.items.slice(6, 10).map((item) => item.played_at),
    );
    expect(newer.next).toBe(
      `${sandbox.apiUrl}/v1/me/player/recently-played?after=${Date.parse(all.items[6]?.played_at ?? "")}&limit=4`,
    );
  });

  it("refuses before and after together", async () => {
    const { status, body } = await getApi(
      sandbox,
      "/v1/me/player/recently-played?before=1&after=2",
      metalheadToken,
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { status: 400 } });
  });

  it("draws plays mostly from the listener's top artists", async () => {
    const top = await getOk<Page>("/v1/me/top/artists?time_range=short_term&limit=50");
    const plays = await getOk<CursorPage>("/v1/me/player/recently-played?limit=50");
    const topIds = new Set(ids(top.items));
    const fromTop = plays.items.filter((item) =>
      topIds.has(((item.track.artists as Json[])[0]?.id as string) ?? ""),
    );
    expect(fromTop.length / plays.items.length).toBeGreaterThan(0.8);
  });
});

describe("a brand-new account", () => {
  it("has a profile but no top items and nothing recently played", async () => {
    const { access_token: token } = await signIn(sandbox, "new-listener");
    expect((await getOk<Json>("/v1/me", token)).display_name).toBe("Sam Rivera");
    for (const kind of ["artists", "tracks"]) {
      for (const range of ["short_term", "medium_term", "long_term"]) {
        const page = await getOk<Page>(`/v1/me/top/${kind}?time_range=${range}`, token);
        expect(page).toMatchObject({ items: [], total: 0, next: null, previous: null });
      }
    }
    expect(await getOk<CursorPage>("/v1/me/player/recently-played", token)).toMatchObject({
      items: [],
      next: null,
      cursors: null,
    });
  });
});

/** Reference payloads from the Spotify shape files (copied into fixtures/, see its README). */
function shape(file: string): { full: Json; development: Json } {
  const url = new URL(`../fixtures/spotify-shapes/${file}`, import.meta.url);
  const document = JSON.parse(readFileSync(url, "utf8")) as { responses: { "200": Json } };
  const examples = document.responses["200"];
  return {
    full: examples.example_all_schema_fields as Json,
    development: examples.example_dev_mode_per_feb_2026_changelog as Json,
  };
}

/** Every key of `actual` exists in `reference`, recursively; array elements are checked against the first one. */
function expectKeysWithin(actual: unknown, reference: unknown, path: string): void {
  if (Array.isArray(actual)) {
    expect(Array.isArray(reference), `${path} is an array in the reference`).toBe(true);
    for (const [index, element] of actual.entries())
      expectKeysWithin(element, (reference as unknown[])[0], `${path}[${index}]`);
    return;
  }
  if (typeof actual !== "object" || actual === null || typeof reference !== "object" || reference === null)
    return;
  for (const [key, value] of Object.entries(actual)) {
    expect(Object.keys(reference), `${path}.${key} exists in the reference`).toContain(key);
    expectKeysWithin(value, (reference as Json)[key], `${path}.${key}`);
  }
}

function keysOf(value: unknown): string[] {
  return Object.keys(value as Json).sort();
}

/** Keys the development-mode variant drops from an object of the full variant. */
function droppedKeys(full: unknown, development: unknown): string[] {
  const kept = new Set(Object.keys(development as Json));
  return Object.keys(full as Json).filter((key) => !kept.has(key));
}

describe("development mode", () => {
  const me = shape("get-me.json");
  const artists = shape("get-me-top-artists.json");
  const tracks = shape("get-me-top-tracks.json");
  const plays = shape("get-me-player-recently-played.json");
  const firstItem = (page: Json) => (page.items as Json[])[0];

  async function responses() {
    return {
      me: await getOk<Json>("/v1/me"),
      artists: await getOk<Json>("/v1/me/top/artists?limit=5"),
      tracks: await getOk<Json>("/v1/me/top/tracks?limit=5"),
      plays: await getOk<Json>("/v1/me/player/recently-played?limit=5"),
    };
  }

  it("full mode stays within the full schema and includes the fields development mode drops", async () => {
    const actual = await responses();
    expectKeysWithin(actual.me, me.full, "me");
    expectKeysWithin(actual.artists, artists.full, "artists");
    expectKeysWithin(actual.tracks, tracks.full, "tracks");
    expectKeysWithin(actual.plays, plays.full, "plays");
    expect(keysOf(actual.me)).toEqual(keysOf(me.full));
    expect(keysOf(firstItem(actual.artists))).toEqual(keysOf(firstItem(artists.full)));
    const track = firstItem(actual.tracks) as Json;
    for (const key of ["popularity", "available_markets"]) expect(track).toHaveProperty(key);
    expect(track.album).toHaveProperty("available_markets");
  });

  it("drops exactly the documented fields, switchable at run time", async () => {
    sandbox.controls.setDevelopmentMode(true);
    const actual = await responses();
    expectKeysWithin(actual.me, me.development, "me");
    expectKeysWithin(actual.artists, artists.development, "artists");
    expectKeysWithin(actual.tracks, tracks.development, "tracks");
    expectKeysWithin(actual.plays, plays.development, "plays");

    expect(keysOf(actual.me)).toEqual(keysOf(me.development));
    const artist = firstItem(actual.artists);
    expect(keysOf(artist)).toEqual(keysOf(firstItem(artists.development)));
    expect(artist).toHaveProperty("genres");

    const track = firstItem(actual.tracks) as Json;
    const referenceTrack = firstItem(tracks.full) as Json;
    const developmentTrack = firstItem(tracks.development) as Json;
    for (const key of droppedKeys(referenceTrack, developmentTrack)) expect(track).not.toHaveProperty(key);
    for (const key of droppedKeys(referenceTrack.album, developmentTrack.album))
      expect(track.album).not.toHaveProperty(key);
    expect(track).toHaveProperty("external_ids");
    expect(track).toHaveProperty("preview_url");

    sandbox.controls.reset();
    expect(await getOk<Json>("/v1/me")).toHaveProperty("email");
  });
});

describe("development mode's five-listener cap", () => {
  const SIX = ["metalhead", "chart-pop", "indie-obscurist", "hip-hop-head", "jazz-soul-nostalgic", "seed:6"];

  it("admits five distinct listeners per client; the sixth gets Spotify's 403 for an unregistered user", async () => {
    const tokens = new Map<string, string>();
    for (const persona of SIX) tokens.set(persona, (await signIn(sandbox, persona)).access_token);
    sandbox.controls.setDevelopmentMode(true);
    for (const persona of SIX.slice(0, 5)) {
      expect((await getApi(sandbox, "/v1/me", tokens.get(persona))).status).toBe(200);
    }
    expect(sandbox.controls.developmentModeListeners).toEqual(SIX.slice(0, 5));

    for (const path of ["/v1/me", "/v1/me/top/artists", "/v1/me/player/recently-played"]) {
      const refused = await getApi(sandbox, path, tokens.get("seed:6"));
      expect(refused.status).toBe(403);
      expect(refused.response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(refused.body).toBe(USER_NOT_REGISTERED_MESSAGE);
    }
    // A new consent does not help, and the five keep working, each again and again.
    const again = await signIn(sandbox, "seed:6");
    expect((await getApi(sandbox, "/v1/me", again.access_token)).status).toBe(403);
    for (const persona of SIX.slice(0, 5)) {
      expect((await getApi(sandbox, "/v1/me/top/tracks", tokens.get(persona))).status).toBe(200);
    }
    expect(sandbox.controls.developmentModeListeners).toHaveLength(DEVELOPMENT_MODE_USER_LIMIT);
  });

  it("still answers 401 before 403 for a bad token, and lets everyone in outside development mode", async () => {
    sandbox.controls.setDevelopmentMode(true);
    for (const persona of SIX.slice(0, 5)) {
      const { access_token: token } = await signIn(sandbox, persona);
      expect((await getApi(sandbox, "/v1/me", token)).status).toBe(200);
    }
    expect((await getApi(sandbox, "/v1/me", "BQunknown")).status).toBe(401);
    const { access_token: sixth } = await signIn(sandbox, "seed:6");
    expect((await getApi(sandbox, "/v1/me", sixth)).status).toBe(403);
    sandbox.controls.setDevelopmentMode(false);
    expect((await getApi(sandbox, "/v1/me", sixth)).status).toBe(200);
  });
});

describe("quota", () => {
  it("exceedQuotaNext answers Spotify's QUOTA_EXCEEDED 429 with Retry-After, then serves again", async () => {
    sandbox.controls.exceedQuotaNext(1, 3600);
    const refused = await getApi(sandbox, "/v1/me/top/artists", metalheadToken);
    expect(refused.status).toBe(429);
    expect(refused.response.headers.get("retry-after")).toBe("3600");
    expect(refused.body).toEqual({
      error: { status: 429, message: "Too many requests", reason: "QUOTA_EXCEEDED" },
    });
    expect((await getApi(sandbox, "/v1/me/top/artists", metalheadToken)).status).toBe(200);
  });

  it("exceedQuotaUntil refuses every Web API request until the time, counting Retry-After down", async () => {
    sandbox.controls.exceedQuotaUntil(NOW + 90_500);
    for (const path of ["/v1/me", "/v1/me/player/recently-played"]) {
      const refused = await getApi(sandbox, path, metalheadToken);
      expect(refused.response.headers.get("retry-after")).toBe("91");
      expect(refused.body).toMatchObject({ error: { reason: "QUOTA_EXCEEDED" } });
    }
  });
});

describe("app-wide rate limit", () => {
  it("limitRate counts every client's requests in a rolling window and answers 429 past the rate", async () => {
    let now = NOW;
    const limited = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => now });
    try {
      const first = (await signIn(limited, "metalhead")).access_token;
      const second = (await signIn(limited, "seed:2")).access_token;
      limited.controls.limitRate(3, { windowSeconds: 2 });
      const statuses = [];
      for (const token of [first, second, first]) {
        statuses.push((await getApi(limited, "/v1/me", token)).status);
        now += 500; // requests at 0, 0.5 s and 1 s
      }
      const refused = await getApi(limited, "/v1/me", second);
      expect(statuses).toEqual([200, 200, 200]);
      expect(refused.status).toBe(429);
      // The first request leaves the 2-second window at 2 s; it is now 1.5 s.
      expect(refused.response.headers.get("retry-after")).toBe("1");
      expect(refused.body).toEqual({ error: { status: 429, message: "API rate limit exceeded" } });
      now = NOW + 2_000;
      expect((await getApi(limited, "/v1/me", second)).status).toBe(200);
      expect((await getApi(limited, "/v1/me", first)).status).toBe(429);
      // The accounts service is not limited by an "api" limit; reset() lifts it.
      expect((await signIn(limited, "seed:3")).access_token).toEqual(expect.any(String));
      limited.controls.reset();
      expect((await getApi(limited, "/v1/me", first)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("mounted under a prefix", () => {
  it("builds paging links from the mount path, as in demo mode", async () => {
    const mounted = createSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => NOW });
    const app = express();
    app.use("/sandbox/spotify", mounted.router);
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/spotify`;
      const urls = { accountsUrl: `${base}/accounts`, apiUrl: `${base}/api` };
      const { access_token: token } = await signIn(urls, "hip-hop-head", ALL_SCOPES);
      const page = await getOk<Page>("/v1/me/top/artists?limit=10", token, urls);
      expect(page.next).toBe(`${base}/api/v1/me/top/artists?time_range=medium_term&offset=10&limit=10`);
      expect(mounted.controls.requests.map((record) => record.path)).toContain("/api/v1/me/top/artists");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  ArtistObject,
  RecentlyPlayedPage,
  SpotifyProfile,
  TopArtistsPage,
  TopTracksPage,
  TrackObject,
} from "../../src/spotify/web-api-schemas.js";

/**
 * The reference payloads (assembled from Spotify's OpenAPI spec), committed once for the repository's
 * tests next to the sandbox that imitates them.
 */
const SHAPES_DIR = fileURLToPath(
  new URL("../../../spotify-sandbox/test/fixtures/spotify-shapes/", import.meta.url),
);

/** The spec's placeholder for a date-time; played_at must be a real timestamp, so tests put one in. */
const PLAYED_AT = "2026-03-01T12:34:56.789Z";

function successExamples(file: string): [variant: string, body: unknown][] {
  const shape = JSON.parse(readFileSync(`${SHAPES_DIR}${file}`, "utf8")) as {
    responses: { "200": Record<string, unknown> };
  };
  const examples = Object.entries(shape.responses["200"]).filter(([variant]) =>
    variant.startsWith("example_"),
  );
  expect(examples.length).toBe(3);
  return examples.map(([variant, body]) => [
    variant,
    JSON.parse(JSON.stringify(body).replaceAll('"<date-time>"', JSON.stringify(PLAYED_AT))),
  ]);
}

function parsed<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`expected to parse: ${result.error.message}`);
  return result.data;
}

const IMAGE = { url: "https://i.scdn.co/image/large", height: 640, width: 640 };

function spotifyArtist(overrides: Record<string, unknown> = {}) {
  return {
    external_urls: { spotify: "https://open.spotify.com/artist/0TnOYISbd1XYRBk9myaseg" },
    followers: { href: null, total: 12_345 },
    genres: ["dance pop", "pop"],
    href: "https://api.spotify.com/v1/artists/0TnOYISbd1XYRBk9myaseg",
    id: "0TnOYISbd1XYRBk9myaseg",
    images: [IMAGE, { url: "https://i.scdn.co/image/small", height: 160, width: 160 }],
    name: "Pitbull",
    popularity: 81,
    type: "artist",
    uri: "spotify:artist:0TnOYISbd1XYRBk9myaseg",
    ...overrides,
  };
}

function spotifyTrack(overrides: Record<string, unknown> = {}, albumOverrides: Record<string, unknown> = {}) {
  return {
    album: {
      album_type: "album",
      total_tracks: 12,
      available_markets: ["DE", "US"],
      id: "4aawyAB9vmqN3uQ7FjRGTy",
      images: [IMAGE],
      name: "Global Warming",
      release_date: "2012-11-16",
      release_date_precision: "day",
      type: "album",
      artists: [{ id: "0TnOYISbd1XYRBk9myaseg", name: "Pitbull", type: "artist" }],
      ...albumOverrides,
    },
    artists: [
      { id: "0TnOYISbd1XYRBk9myaseg", name: "Pitbull", type: "artist" },
      { id: "7qG3b048QCHVRO5Pv1T5lw", name: "Enrique Iglesias", type: "artist" },
    ],
    available_markets: ["DE", "US"],
    duration_ms: 207_959,
    explicit: false,
    id: "6rqhFgbbKwnb9MLmUQDhG6",
    is_local: false,
    name: "Tchu Tchu Tcha",
    popularity: 64,
    type: "track",
    ...overrides,
  };
}

function page(items: unknown[]) {
  return {
    href: "https://api.spotify.com/v1/me/top/x",
    limit: 20,
    next: null,
    offset: 0,
    previous: null,
    total: items.length,
    items,
  };
}

describe("Spotify Web API schemas on the reference shapes", () => {
  it("parse every 200 variant of GET /v1/me/top/artists", () => {
    for (const [variant, body] of successExamples("get-me-top-artists.json")) {
      const result = parsed(TopArtistsPage, body);
      expect(result).toMatchObject({
        total: 4,
        limit: 20,
        offset: 0,
        next: "https://api.spotify.com/v1/me/shows?offset=1&limit=1",
      });
      expect(result.items).toHaveLength(1);
      const [item] = result.items;
      expect(item).toMatchObject({
        id: "<id>",
        name: "<name>",
        imageUrl: expect.stringContaining("https://i.scdn.co/"),
      });
      if (variant === "example_all_schema_fields") {
        expect(item).toMatchObject({ popularity: 0, followers: 0, genres: ["Prog rock", "Grunge"] });
      } else {
        expect(item).toMatchObject({ popularity: null, followers: null });
      }
      expect(item?.genres).toEqual(
        variant === "example_without_spec_deprecated_fields" ? null : ["Prog rock", "Grunge"],
      );
    }
  });

  it("parse every 200 variant of GET /v1/me/top/tracks", () => {
    for (const [variant, body] of successExamples("get-me-top-tracks.json")) {
      const [item] = parsed(TopTracksPage, body).items;
      expect(item).toEqual({
        id: "<id>",
        name: "<name>",
        popularity: variant === "example_all_schema_fields" ? 0 : null,
        explicit: false,
        durationMs: 0,
        artists: [{ id: "<id>", name: "<name>" }],
        album: {
          id: "2up3OPMp9Tb4dAKM2erWXQ",
          name: "<name>",
          releaseDate: "1981-12",
          releaseDatePrecision: "year",
          imageUrl: "https://i.scdn.co/image/ab67616d00001e02ff9ca10b55ce82ae553c8228",
        },
      });
    }
  });

  it("parse every 200 variant of GET /v1/me/player/recently-played", () => {
    for (const [variant, body] of successExamples("get-me-player-recently-played.json")) {
      const result = parsed(RecentlyPlayedPage, body);
      expect(result.next).toBe("<next>");
      expect(result.cursors).toEqual({ after: "<after>", before: "<before>" });
      expect(result.items).toHaveLength(1);
      expect(result.items[0]?.playedAt).toEqual(new Date(PLAYED_AT));
      expect(result.items[0]?.track.id).toBe("<id>");
      expect(result.items[0]?.track.popularity).toBe(variant === "example_all_schema_fields" ? 0 : null);
    }
  });

  it("parse every 200 variant of GET /v1/me", () => {
    for (const [variant, body] of successExamples("get-me.json")) {
      const full = variant === "example_all_schema_fields";
      expect(parsed(SpotifyProfile, body)).toEqual({
        id: "<id>",
        accountId: "aB3dE5fG7h",
        displayName: "<display_name>",
        email: full ? "<email>" : null,
        country: full ? "<country>" : null,
        product: full ? "<product>" : null,
        imageUrl: "https://i.scdn.co/image/ab67616d00001e02ff9ca10b55ce82ae553c8228",
      });
    }
  });
});

describe("ArtistObject", () => {
  it("maps a full artist to camelCase, keeping the largest image", () => {
    expect(
      parsed(ArtistObject, spotifyArtist({ images: [{ url: "small", width: 64, height: 64 }, IMAGE] })),
    ).toEqual({
      id: "0TnOYISbd1XYRBk9myaseg",
      name: "Pitbull",
      genres: ["dance pop", "pop"],
      popularity: 81,
      followers: 12_345,
      imageUrl: IMAGE.url,
    });
  });

  it("turns fields a development-mode app does not get into null, never a default", () => {
    const { popularity: _popularity, followers: _followers, genres: _genres, ...devMode } = spotifyArtist();
    expect(parsed(ArtistObject, { ...devMode, images: [] })).toMatchObject({
      popularity: null,
      followers: null,
      genres: null,
      imageUrl: null,
    });
  });

  it("keeps an empty genre list apart from an absent one", () => {
    expect(parsed(ArtistObject, spotifyArtist({ genres: [] })).genres).toEqual([]);
  });

  it("takes the first image when sizes are unknown", () => {
    const images = [
      { url: "first", width: null, height: null },
      { url: "second", width: null, height: null },
    ];
    expect(parsed(ArtistObject, spotifyArtist({ images })).imageUrl).toBe("first");
  });

  it("ignores unknown fields", () => {
    const result = parsed(ArtistObject, spotifyArtist({ brand_new_field: { anything: true } }));
    expect(result).not.toHaveProperty("brand_new_field");
    expect(result).not.toHaveProperty("external_urls");
  });

  it("rejects an artist without an id or a name", () => {
    const { id: _id, ...withoutId } = spotifyArtist();
    expect(ArtistObject.safeParse(withoutId).success).toBe(false);
    expect(ArtistObject.safeParse(spotifyArtist({ name: null })).success).toBe(false);
    expect(ArtistObject.safeParse(spotifyArtist({ id: "" })).success).toBe(false);
  });
});

describe("TrackObject", () => {
  it("maps a track with its simplified artists and album", () => {
    expect(parsed(TrackObject, spotifyTrack())).toEqual({
      id: "6rqhFgbbKwnb9MLmUQDhG6",
      name: "Tchu Tchu Tcha",
      popularity: 64,
      explicit: false,
      durationMs: 207_959,
      artists: [
        { id: "0TnOYISbd1XYRBk9myaseg", name: "Pitbull" },
        { id: "7qG3b048QCHVRO5Pv1T5lw", name: "Enrique Iglesias" },
      ],
      album: {
        id: "4aawyAB9vmqN3uQ7FjRGTy",
        name: "Global Warming",
        releaseDate: "2012-11-16",
        releaseDatePrecision: "day",
        imageUrl: IMAGE.url,
      },
    });
  });

  it("maps absent popularity, explicit, duration, release date and precision to null", () => {
    const { popularity: _popularity, explicit: _explicit, duration_ms: _duration, ...track } = spotifyTrack();
    const result = parsed(TrackObject, {
      ...track,
      album: { id: "al", name: "Album", images: [], release_date_precision: "decade" },
    });
    expect(result).toMatchObject({ popularity: null, explicit: null, durationMs: null });
    expect(result.album).toEqual({
      id: "al",
      name: "Album",
      releaseDate: null,
      releaseDatePrecision: null,
      imageUrl: null,
    });
  });

  it("rejects a track without artists or album", () => {
    expect(TrackObject.safeParse(spotifyTrack({ artists: undefined })).success).toBe(false);
    expect(TrackObject.safeParse(spotifyTrack({ album: undefined })).success).toBe(false);
  });
});

describe("paging objects", () => {
  it("parse a top-artists and a top-tracks page", () => {
    expect(parsed(TopArtistsPage, { ...page([spotifyArtist()]), next: "https://next" })).toMatchObject({
      total: 1,
      next: "https://next",
      limit: 20,
      offset: 0,
    });
    expect(parsed(TopTracksPage, page([spotifyTrack(), spotifyTrack({ id: "second" })])).items).toHaveLength(
      2,
    );
    expect(parsed(TopArtistsPage, page([])).items).toEqual([]);
  });

  it("fail when `items` is missing or not an array", () => {
    const { items: _items, ...withoutItems } = page([spotifyArtist()]);
    expect(TopArtistsPage.safeParse(withoutItems).success).toBe(false);
    expect(TopTracksPage.safeParse(withoutItems).success).toBe(false);
    expect(TopArtistsPage.safeParse({ ...withoutItems, items: null }).success).toBe(false);
    expect(RecentlyPlayedPage.safeParse({ next: null, cursors: null }).success).toBe(false);
  });

  it("fail when one item is malformed", () => {
    expect(TopArtistsPage.safeParse(page([spotifyArtist(), { name: "no id" }])).success).toBe(false);
  });
});

describe("RecentlyPlayedPage", () => {
  const play = (track: Record<string, unknown>, playedAt = "2026-03-01T10:00:00.123Z") => ({
    track,
    played_at: playedAt,
    context: { type: "playlist", uri: "spotify:playlist:x" },
  });

  it("parses plays with their timestamps and cursors", () => {
    const result = parsed(RecentlyPlayedPage, {
      href: "h",
      limit: 50,
      next: "https://next",
      cursors: { after: "1709287200123", before: "1709280000000" },
      total: 2,
      items: [play(spotifyTrack()), play(spotifyTrack({ id: "other" }), "2026-03-01T09:00:00+01:00")],
    });
    expect(result.items.map((entry) => entry.playedAt.toISOString())).toEqual([
      "2026-03-01T10:00:00.123Z",
      "2026-03-01T08:00:00.000Z",
    ]);
    expect(result.cursors).toEqual({ after: "1709287200123", before: "1709280000000" });
  });

  it("accepts an empty page whose next and cursors are null or absent", () => {
    expect(parsed(RecentlyPlayedPage, { items: [], next: null, cursors: null })).toEqual({
      items: [],
      next: null,
      cursors: null,
    });
    expect(parsed(RecentlyPlayedPage, { items: [], cursors: { after: "1" } }).cursors).toEqual({
      after: "1",
      before: null,
    });
  });

  it("drops local files, which have no Spotify id", () => {
    const local = spotifyTrack({ id: null, is_local: true, popularity: 0 }, { id: null });
    const result = parsed(RecentlyPlayedPage, {
      items: [play(local), play(spotifyTrack())],
      next: null,
      cursors: null,
    });
    expect(result.items.map((entry) => entry.track.id)).toEqual(["6rqhFgbbKwnb9MLmUQDhG6"]);
  });

  it("rejects a play without a readable timestamp", () => {
    expect(RecentlyPlayedPage.safeParse({ items: [play(spotifyTrack(), "yesterday")] }).success).toBe(false);
  });
});

describe("SpotifyProfile", () => {
  it("keeps what an extended-quota app receives", () => {
    expect(
      parsed(SpotifyProfile, {
        account_id: "aB3dE5fG7h",
        country: "DE",
        display_name: "Ada",
        email: "ada@example.com",
        explicit_content: { filter_enabled: false, filter_locked: false },
        followers: { href: null, total: 3 },
        id: "ada-spotify",
        images: [IMAGE],
        product: "premium",
        type: "user",
      }),
    ).toEqual({
      id: "ada-spotify",
      accountId: "aB3dE5fG7h",
      displayName: "Ada",
      email: "ada@example.com",
      country: "DE",
      product: "premium",
      imageUrl: IMAGE.url,
    });
  });

  it("accepts a null display name, no images and no private fields", () => {
    expect(parsed(SpotifyProfile, { id: "someone", display_name: null, images: [] })).toEqual({
      id: "someone",
      accountId: null,
      displayName: null,
      email: null,
      country: null,
      product: null,
      imageUrl: null,
    });
  });

  it("rejects a profile without an id", () => {
    expect(SpotifyProfile.safeParse({ display_name: "No id" }).success).toBe(false);
  });
});

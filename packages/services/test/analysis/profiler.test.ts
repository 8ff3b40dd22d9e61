import { describe, expect, it } from "vitest";
import { Profiler, releaseYear } from "../../src/analysis/profiler.js";
import { METRICS, type TasteProfile } from "../../src/analysis/taste-profile.js";
import type { ListeningData } from "../../src/analysis/types.js";
import {
  ALL_LISTENERS,
  artist,
  chartPop,
  developmentMode,
  emptyAccount,
  listening,
  loyalMetalhead,
  playsOf,
  track,
} from "../support/listening-fixtures.js";

const profiler = new Profiler();

/**
 * A small listener whose every metric was worked out by hand (the arithmetic is in the comments).
 * Rank weights are 1/(1+rank): 1, 1/2, 1/3.
 */
function handWorkedListener(): ListeningData {
  const a = artist("A", "Aster", ["rock", "indie"], 80);
  const b = artist("B", "Birch", ["rock"], 40);
  const c = artist("C", "Cedar", ["jazz"], null);
  const d = artist("D", "Dune", null, 20);
  const e = artist("E", "Elm", ["ambient"], 50);
  const tidal = track("t1", "Tidal", [a], { popularity: 60, explicit: true, releaseDate: "1994-05-01" });
  const bramble = track("t2", "Bramble", [b], { popularity: 33, explicit: false, releaseDate: "2011" });
  const cobalt = track("t3", "Cobalt", [a, b], { popularity: null, explicit: null, releaseDate: "2015-03" });
  const aurora = track("t4", "Aurora", [c], {
    popularity: 90,
    explicit: false,
    releaseDate: "1969-07-20",
    releaseDatePrecision: null,
  });
  const ember = track("t5", "Ember", [d], { popularity: 10, explicit: true, releaseDate: "0000" });
  const fjord = track("t6", "Fjord", [e], { popularity: null, explicit: false, releaseDate: "not a date" });
  return listening({
    topArtists: { short_term: [a, b, c], medium_term: [b, a], long_term: [a, d] },
    topTracks: { short_term: [tidal, bramble], medium_term: [cobalt, tidal], long_term: [aurora, tidal] },
    recentlyPlayed: playsOf([ember, tidal, fjord, ember]),
  });
}

describe("Profiler", () => {
  describe("on hand-worked data", () => {
    const profile = profiler.profile(handWorkedListener());

    it("counts distinct top artists, distinct top tracks, recent plays and recent artists", () => {
      // artists A B C D; tracks t1–t4 (t5, t6 are only in recent plays); plays 4; recent artists D A E.
      expect(profile.counts).toEqual({ artists: 4, tracks: 4, recentPlays: 4, recentArtists: 3 });
    });

    it("ranks artists by a rank-weighted Borda count over the three ranges", () => {
      // A: 1 + 1/2 + 1 = 2.5; B: 1/2 + 1 = 1.5; D: 1/2; C: 1/3.
      expect(profile.topArtists.map((entry) => entry.id)).toEqual(["A", "B", "D", "C"]);
      expect(profile.topArtists[0]).toEqual({
        id: "A",
        name: "Aster",
        genres: ["rock", "indie"],
        popularity: 80,
        imageUrl: "https://images.example/A.jpg",
      });
      expect(profile.topArtists[2]?.genres).toEqual([]);
    });

    it("ranks tracks the same way and breaks a tie by best rank, then by name", () => {
      // t1: 1 + 1/2 + 1/2 = 2; t3 and t4: 1 each, both best rank 0, "Aurora" < "Cobalt"; t2: 1/2.
      expect(profile.topTracks).toEqual([
        { id: "t1", name: "Tidal", artists: ["Aster"], releaseYear: 1994 },
        { id: "t4", name: "Aurora", artists: ["Cedar"], releaseYear: 1969 },
        { id: "t3", name: "Cobalt", artists: ["Aster", "Birch"], releaseYear: 2015 },
        { id: "t2", name: "Bramble", artists: ["Birch"], releaseYear: 2011 },
      ]);
    });

    it("spreads each artist's rank weight over its genres and normalises over all genres", () => {
      // rock = 1/2 + 1/2 + 1 + 1/4 + 1/2 = 2.75; indie = 1/2 + 1/4 + 1/2 = 1.25; jazz = 1/3; D has none.
      // total 13/3: rock 0.634615…, indie 0.288461…, jazz 0.076923…
      expect(profile.topGenres).toEqual([
        { genre: "rock", share: 0.6346 },
        { genre: "indie", share: 0.2885 },
        { genre: "jazz", share: 0.0769 },
      ]);
    });

    it("groups genres into families and measures diversity as entropy over the families", () => {
      // rock is ROCK, indie INDIE, jazz JAZZ: three families with the genres' shares.
      expect(profile.genreFamilies).toEqual([
        { family: "ROCK", share: 0.6346 },
        { family: "INDIE", share: 0.2885 },
        { family: "JAZZ", share: 0.0769 },
      ]);
      // H = −Σ q ln q over the three family shares = 0.84451…, / ln 12 (FAMILY_COUNT) = 0.339858…
      expect(profile.genreDiversity).toBe(0.3399);
    });

    it("averages every present popularity of distinct artists and tracks", () => {
      // artists 80 40 20 (C has none); tracks 60 33 90 10 (t3, t6 have none): 333 / 7 = 47.571428…
      expect(profile.averagePopularity).toBe(47.5714);
    });

    it("weights popularity by rank across the six top lists and derives obscurity from it", () => {
      // artists: 80·1 + 40·½ + 40·1 + 80·½ + 80·1 + 20·½ = 270 over weight 4.5;
      // tracks: 60·1 + 33·½ + 60·½ + 90·1 + 60·½ = 226.5 over weight 3.5 (t3 has no popularity).
      // 496.5 / 8 = 62.0625; obscurity = 1 − 0.620625 = 0.379375.
      expect(profile.weightedPopularity).toBe(62.0625);
      expect(profile.obscurity).toBe(0.3794);
    });

    it("measures loyalty as the overlap of short and long term over the smaller list", () => {
      // short {A, B, C} ∩ long {A, D} = {A}: 1 / min(3, 2).
      expect(profile.artistLoyalty).toBe(0.5);
    });

    it("shares release decades over distinct dated tracks, skipping unreadable dates", () => {
      // 1994 → 1990s, 2011 and 2015 → 2010s, 1969 (no precision, still a year) → 1960s; "0000" and
      // "not a date" are skipped: 4 dated tracks.
      expect(profile.decades).toEqual([
        { decade: 1960, share: 0.25 },
        { decade: 1990, share: 0.25 },
        { decade: 2010, share: 0.5 },
      ]);
    });

    it("shares explicit tracks among distinct tracks whose flag is known", () => {
      // known: t1 yes, t2 no, t4 no, t5 yes, t6 no (t3 unknown): 2 / 5.
      expect(profile.explicitShare).toBe(0.4);
    });

    it("has every metric available, no missing sources and enough data", () => {
      expect(profile.unavailableMetrics).toEqual([]);
      expect(profile.missingSources).toEqual([]);
      expect(profile.enoughData).toBe(true);
      expect(profile.version).toBe(1);
    });
  });

  it("keeps ten genres but computes shares over all of them, best first then by name", () => {
    const genres = Array.from({ length: 12 }, (_, index) => `genre ${String.fromCharCode(97 + index)}`);
    const artists = genres.map((genre, index) => artist(`g${index}`, `Artist ${index}`, [genre], 50));
    // One list, ranks 0…11: weights 1, 1/2 … 1/12; H(12) = 3.103211 is the total.
    const profile = profiler.profile(listening({ topArtists: { medium_term: artists } }));
    expect(profile.topGenres).toHaveLength(10);
    expect(profile.topGenres?.[0]).toEqual({ genre: "genre a", share: 0.3222 });
    expect(profile.topGenres?.[9]).toEqual({ genre: "genre j", share: 0.0322 });
    const listed = (profile.topGenres ?? []).reduce((sum, entry) => sum + entry.share, 0);
    expect(listed).toBeLessThan(1);
    expect(listed).toBeCloseTo(1 - (1 / 11 + 1 / 12) / 3.103211, 3);

    const tied = profiler.profile(
      listening({
        topArtists: {
          short_term: [artist("x", "X", ["zeuhl"], 1)],
          long_term: [artist("y", "Y", ["ambient"], 1)],
        },
      }),
    );
    expect(tied.topGenres).toEqual([
      { genre: "ambient", share: 0.5 },
      { genre: "zeuhl", share: 0.5 },
    ]);
  });

  it("scores a single genre as zero diversity and merges genre spellings", () => {
    const profile = profiler.profile(
      listening({
        topArtists: {
          short_term: [artist("a", "A", ["Prog rock"], 10), artist("b", "B", [" prog rock "], 10)],
          long_term: [artist("c", "C", ["prog rock"], 10)],
        },
      }),
    );
    expect(profile.topGenres).toEqual([{ genre: "prog rock", share: 1 }]);
    expect(profile.genreDiversity).toBe(0);
  });

  it("scores many sub-genres of one family as zero diversity, and an even spread over families high", () => {
    const subGenres = [
      "death metal",
      "thrash metal",
      "doom metal",
      "black metal",
      "power metal",
      "metalcore",
    ];
    const oneFamily = profiler.profile(
      listening({
        topArtists: {
          short_term: subGenres.map((genre, index) => artist(`m${index}`, `M${index}`, [genre], 10)),
        },
      }),
    );
    expect(oneFamily.genreDiversity).toBe(0);
    expect(oneFamily.genreFamilies).toEqual([{ family: "METAL", share: 1 }]);
    const acrossFamilies = ["death metal", "bebop", "baroque", "reggaeton", "techno", "bluegrass"];
    const eclectic = profiler.profile(
      listening({
        topArtists: {
          short_term: acrossFamilies.map((genre, index) => artist(`e${index}`, `E${index}`, [genre], 10)),
          medium_term: [...acrossFamilies]
            .reverse()
            .map((genre, index) => artist(`e${5 - index}`, `E${5 - index}`, [genre], 10)),
        },
      }),
    );
    // Six families, nearly evenly: close to ln 6 / ln 12 = 0.721.
    expect(eclectic.genreDiversity).toBeGreaterThan(0.68);
    expect(eclectic.genreFamilies?.map((entry) => entry.family).sort()).toEqual([
      "CLASSICAL",
      "ELECTRONIC",
      "FOLK",
      "JAZZ",
      "LATIN",
      "METAL",
    ]);
  });

  it("reads the year of every release-date precision and skips invalid dates", () => {
    expect(releaseYear("1981")).toBe(1981);
    expect(releaseYear("1981-12")).toBe(1981);
    expect(releaseYear("1981-12-15")).toBe(1981);
    expect(releaseYear("0000")).toBeNull();
    expect(releaseYear("19811")).toBeNull();
    expect(releaseYear("unknown")).toBeNull();
    expect(releaseYear("")).toBeNull();
    expect(releaseYear(null)).toBeNull();
  });

  describe("with missing inputs", () => {
    it("marks popularity metrics unavailable in development mode and keeps the rest", () => {
      const profile = profiler.profile(developmentMode);
      expect(profile.averagePopularity).toBeNull();
      expect(profile.weightedPopularity).toBeNull();
      expect(profile.obscurity).toBeNull();
      expect(profile.unavailableMetrics).toEqual(["averagePopularity", "weightedPopularity", "obscurity"]);
      expect(profile.topGenres).not.toBeNull();
      expect(profile.topArtists[0]?.popularity).toBeNull();
      expect(profile.enoughData).toBe(true);
    });

    it("lists every metric whose inputs are all absent, and copies the missing sources", () => {
      const noGenres = artist("n1", "Nameless", null, null);
      const emptyGenres = artist("n2", "Unfiled", [], null);
      const undated = track("u1", "Undated", [noGenres], { explicit: null, releaseDate: null });
      const data = listening({
        topArtists: { short_term: [noGenres, emptyGenres], medium_term: [emptyGenres], long_term: null },
        topTracks: { short_term: [undated], medium_term: null, long_term: null },
        recentlyPlayed: playsOf([undated, undated, undated, undated, undated]),
      });
      const profile = profiler.profile(data);
      expect(profile.missingSources).toEqual([
        "topArtists.long_term",
        "topTracks.medium_term",
        "topTracks.long_term",
      ]);
      expect(profile.unavailableMetrics).toEqual([...METRICS]);
      for (const metric of METRICS) expect(profile[metric]).toBeNull();
      expect(profile.counts).toEqual({ artists: 2, tracks: 1, recentPlays: 5, recentArtists: 1 });
      expect(profile.enoughData).toBe(true);
    });

    it("uses what is present when only some items carry an input", () => {
      const profile = profiler.profile(
        listening({
          topArtists: {
            short_term: [artist("p", "Known", ["folk"], 70), artist("q", "Unknown", null, null)],
            long_term: [artist("q", "Unknown", null, null)],
          },
        }),
      );
      // Only "Known" has a popularity (rank 0, weight 1).
      expect(profile.averagePopularity).toBe(70);
      expect(profile.weightedPopularity).toBe(70);
      expect(profile.obscurity).toBe(0.3);
      expect(profile.topGenres).toEqual([{ genre: "folk", share: 1 }]);
      // short {p, q} ∩ long {q} = {q}: 1 / 1.
      expect(profile.artistLoyalty).toBe(1);
    });

    it("falls back to average popularity for obscurity when only recent plays have popularity", () => {
      const played = track("r", "Recent", [{ id: "x", name: "X" }], { popularity: 25 });
      const profile = profiler.profile(listening({ recentlyPlayed: playsOf([played]) }));
      expect(profile.weightedPopularity).toBeNull();
      expect(profile.averagePopularity).toBe(25);
      expect(profile.obscurity).toBe(0.75);
      expect(profile.unavailableMetrics).toContain("weightedPopularity");
      expect(profile.unavailableMetrics).not.toContain("obscurity");
    });

    it("ranks the artists credited on top tracks when every top-artist source failed", () => {
      const data = listening({
        topArtists: { short_term: null, medium_term: null, long_term: null },
        topTracks: { short_term: chartPop.topTracks.short_term, medium_term: chartPop.topTracks.medium_term },
      });
      const profile = profiler.profile(data);
      expect(profile.counts.artists).toBe(0);
      expect(profile.topArtists.map((entry) => entry.name).slice(0, 2)).toEqual([
        "Sabrina Carpenter",
        "Taylor Swift",
      ]);
      expect(profile.topArtists[0]).toMatchObject({ genres: [], popularity: null, imageUrl: null });
      expect(profile.topGenres).toBeNull();
    });

    it("leaves loyalty unavailable when short or long term is empty", () => {
      const profile = profiler.profile(
        listening({ topArtists: { short_term: [], medium_term: loyalMetalhead.topArtists.medium_term } }),
      );
      expect(profile.artistLoyalty).toBeNull();
      expect(profile.unavailableMetrics).toContain("artistLoyalty");
    });
  });

  describe("for a brand-new account", () => {
    it("produces a valid, empty profile without enough data", () => {
      const profile = profiler.profile(emptyAccount);
      const expected: TasteProfile = {
        version: 1,
        counts: { artists: 0, tracks: 0, recentPlays: 0, recentArtists: 0 },
        topArtists: [],
        topTracks: [],
        topGenres: null,
        genreFamilies: null,
        averagePopularity: null,
        weightedPopularity: null,
        obscurity: null,
        artistLoyalty: null,
        genreDiversity: null,
        decades: null,
        explicitShare: null,
        missingSources: [],
        unavailableMetrics: [...METRICS],
        enoughData: false,
      };
      expect(profile).toEqual(expected);
      expect(JSON.parse(JSON.stringify(profile))).toEqual(expected);
    });

    it("survives every source failing", () => {
      const data = listening({
        topArtists: { short_term: null, medium_term: null, long_term: null },
        topTracks: { short_term: null, medium_term: null, long_term: null },
        recentlyPlayed: null,
      });
      const profile = profiler.profile(data);
      expect(profile.enoughData).toBe(false);
      expect(profile.missingSources).toHaveLength(7);
      expect(profile.unavailableMetrics).toEqual([...METRICS]);
    });

    it("needs 3 artists, 5 tracks or 5 plays before it has enough data", () => {
      const artists = [
        artist("a1", "A1", ["pop"], 50),
        artist("a2", "A2", ["pop"], 50),
        artist("a3", "A3", ["pop"], 50),
      ];
      const tracks = Array.from({ length: 5 }, (_, index) => track(`t${index}`, `T${index}`, [artists[0]!]));
      const below = listening({
        topArtists: { short_term: artists.slice(0, 2) },
        topTracks: { short_term: tracks.slice(0, 4) },
        recentlyPlayed: playsOf(tracks.slice(0, 4)),
      });
      expect(profiler.profile(below).enoughData).toBe(false);
      expect(profiler.profile(listening({ topArtists: { long_term: artists } })).enoughData).toBe(true);
      expect(profiler.profile(listening({ topTracks: { long_term: tracks } })).enoughData).toBe(true);
      expect(profiler.profile(listening({ recentlyPlayed: playsOf(tracks) })).enoughData).toBe(true);
    });
  });

  it("is pure: the same data gives the same profile and the input is left untouched", () => {
    for (const data of Object.values(ALL_LISTENERS)) {
      const before = structuredClone(data);
      expect(profiler.profile(data)).toEqual(profiler.profile(data));
      expect(data).toEqual(before);
    }
  });

  it("rounds every share and score to at most four decimals", () => {
    for (const data of Object.values(ALL_LISTENERS)) {
      const profile = profiler.profile(data);
      const numbers = [
        profile.averagePopularity,
        profile.weightedPopularity,
        profile.obscurity,
        profile.artistLoyalty,
        profile.genreDiversity,
        profile.explicitShare,
        ...(profile.topGenres ?? []).map((entry) => entry.share),
        ...(profile.decades ?? []).map((entry) => entry.share),
      ].filter((value): value is number => value !== null);
      for (const value of numbers) expect(Math.round(value * 10_000) / 10_000).toBe(value);
      expect(profile.topArtists.length).toBeLessThanOrEqual(10);
      expect(profile.topTracks.length).toBeLessThanOrEqual(10);
    }
  });
});

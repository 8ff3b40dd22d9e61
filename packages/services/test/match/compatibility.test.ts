import { describe, expect, it } from "vitest";
import { Profiler } from "../../src/analysis/profiler.js";
import { compatibilityOf, type MatchInput, weightedJaccard } from "../../src/match/compatibility.js";
import { type PublicProfile, toPublicProfile } from "../../src/share/shared-verdict.js";
import { TASTES } from "../support/listening-fixtures.js";

const profiler = new Profiler();

function sideOf(
  taste: keyof typeof TASTES,
  scores: { criticalAcclaim: number | null; mainstream: number | null },
): MatchInput {
  return { profile: toPublicProfile(profiler.profile(TASTES[taste])), ...scores };
}

/** A hand-made public profile: only what the formula reads matters. */
function handMade(overrides: Partial<PublicProfile>): PublicProfile {
  return {
    topGenres: null,
    topArtists: [],
    topTracks: [],
    decades: null,
    averagePopularity: null,
    obscurity: null,
    artistLoyalty: null,
    genreDiversity: null,
    explicitShare: null,
    counts: { artists: 0, tracks: 0, recentPlays: 0, recentArtists: 0 },
    ...overrides,
  };
}

const artist = (name: string, genres: string[]) => ({ name, genres, imageUrl: null });

describe("compatibilityOf", () => {
  it("is 1 for identical tastes", () => {
    for (const taste of Object.keys(TASTES) as (keyof typeof TASTES)[]) {
      const side = sideOf(taste, { criticalAcclaim: 0.6, mainstream: 0.3 });
      const result = compatibilityOf(side, side);
      expect(result.score).toBe(1);
      expect(result.sharedArtists.length).toBe(side.profile.topArtists.length);
    }
  });

  it("is near 0 for disjoint tastes: no artist, genre, family or decade in common, opposite scores", () => {
    const metal: MatchInput = {
      profile: handMade({
        topArtists: [artist("Iron Gate", ["thrash metal"]), artist("Doom Hall", ["doom metal"])],
        topGenres: [
          { genre: "thrash metal", share: 0.6 },
          { genre: "doom metal", share: 0.4 },
        ],
        decades: [{ decade: 1980, share: 1 }],
        obscurity: 0.9,
      }),
      criticalAcclaim: 0.9,
      mainstream: 0.05,
    };
    const pop: MatchInput = {
      profile: handMade({
        topArtists: [artist("Chart Star", ["dance pop"]), artist("Radio Idol", ["pop"])],
        topGenres: [
          { genre: "dance pop", share: 0.5 },
          { genre: "pop", share: 0.5 },
        ],
        decades: [{ decade: 2020, share: 1 }],
        obscurity: 0.05,
      }),
      criticalAcclaim: 0.1,
      mainstream: 0.95,
    };
    const result = compatibilityOf(metal, pop);
    expect(result.score).toBeLessThan(0.05);
    expect(result.components).toMatchObject({ artists: 0, genres: 0, families: 0, decades: 0 });
    expect(result.sharedArtists).toEqual([]);
    expect(result.sharedGenres).toEqual([]);
  });

  it("is symmetric, and lies in [0, 1], for every pair of fixture tastes", () => {
    const tastes = Object.keys(TASTES) as (keyof typeof TASTES)[];
    for (const [index, left] of tastes.entries()) {
      for (const right of tastes.slice(index + 1)) {
        const a = sideOf(left, { criticalAcclaim: 0.7, mainstream: 0.2 });
        const b = sideOf(right, { criticalAcclaim: 0.3, mainstream: 0.8 });
        const forward = compatibilityOf(a, b);
        const backward = compatibilityOf(b, a);
        expect(forward.score).toBe(backward.score);
        expect(forward.components).toEqual(backward.components);
        expect([...forward.sharedGenres].sort()).toEqual([...backward.sharedGenres].sort());
        expect(forward.score).toBeGreaterThanOrEqual(0);
        expect(forward.score).toBeLessThan(1);
        expect(forward.biggestDifference?.dimension).toBe(backward.biggestDifference?.dimension);
      }
    }
  });

  it("rates a partial overlap between the extremes and names what is shared", () => {
    const a: MatchInput = {
      profile: handMade({
        topArtists: [artist("Shared One", ["indie rock"]), artist("Only A", ["indie folk"])],
        topGenres: [
          { genre: "indie rock", share: 0.5 },
          { genre: "indie folk", share: 0.5 },
        ],
      }),
      criticalAcclaim: 0.6,
      mainstream: 0.4,
    };
    const b: MatchInput = {
      profile: handMade({
        topArtists: [artist("Only B", ["shoegaze"]), artist("shared one", ["indie rock"])],
        topGenres: [
          { genre: "indie rock", share: 0.5 },
          { genre: "shoegaze", share: 0.5 },
        ],
      }),
      criticalAcclaim: 0.6,
      mainstream: 0.4,
    };
    const result = compatibilityOf(a, b);
    expect(result.score).toBeGreaterThan(0.3);
    expect(result.score).toBeLessThan(0.9);
    expect(result.sharedArtists).toEqual(["Shared One"]);
    expect(result.sharedGenres).toEqual(["indie rock"]);
  });

  it("handles null scores and missing metrics by leaving those components out", () => {
    const a = sideOf("obscureIndie", { criticalAcclaim: null, mainstream: null });
    const b = sideOf("obscureIndie", { criticalAcclaim: 0.9, mainstream: 0.1 });
    const result = compatibilityOf(a, b);
    expect(result.components.scores).toBeNull();
    expect(result.score).toBe(1);

    const empty: MatchInput = { profile: handMade({}), criticalAcclaim: null, mainstream: null };
    const nothing = compatibilityOf(empty, b);
    expect(nothing.score).toBe(0);
    expect(nothing.biggestDifference).toBeNull();
  });

  it("names the biggest difference on a comparable scale", () => {
    const a: MatchInput = {
      profile: handMade({ obscurity: 0.5, genreDiversity: 0.2, decades: [{ decade: 1970, share: 1 }] }),
      criticalAcclaim: 0.5,
      mainstream: 0.5,
    };
    const b: MatchInput = {
      profile: handMade({ obscurity: 0.55, genreDiversity: 0.9, decades: [{ decade: 1980, share: 1 }] }),
      criticalAcclaim: 0.5,
      mainstream: 0.5,
    };
    expect(compatibilityOf(a, b).biggestDifference).toEqual({ dimension: "diversity", you: 0.2, them: 0.9 });
  });
});

describe("weightedJaccard", () => {
  it("is Σmin/Σmax", () => {
    const a = new Map([
      ["x", 0.5],
      ["y", 0.5],
    ]);
    const b = new Map([
      ["x", 0.25],
      ["z", 0.75],
    ]);
    expect(weightedJaccard(a, b)).toBeCloseTo(0.25 / (0.5 + 0.5 + 0.75), 10);
    expect(weightedJaccard(a, a)).toBe(1);
    expect(weightedJaccard(new Map(), new Map())).toBe(0);
  });
});

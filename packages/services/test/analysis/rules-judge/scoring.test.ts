import { describe, expect, it } from "vitest";
import { normalisedEntropy, Profiler } from "../../../src/analysis/profiler.js";
import {
  ACCLAIM_CENTRE,
  ACCLAIM_SCALE,
  criticalAcclaimScore,
  dominantFamily,
  largestFamily,
  mainstreamScore,
  rawAcclaim,
  scoresOf,
  signalsOf,
} from "../../../src/analysis/rules-judge/scoring.js";
import type { TasteProfile } from "../../../src/analysis/taste-profile.js";
import { emptyAccount, jazzNostalgic } from "../../support/listening-fixtures.js";

const profiler = new Profiler();
const blank: TasteProfile = profiler.profile(emptyAccount);
const logistic = (value: number) => 1 / (1 + Math.exp(-value));

describe("scoring", () => {
  it("stretches popularity around 45 for mainstream, else uses the genres' priors", () => {
    expect(mainstreamScore({ ...blank, weightedPopularity: 45, averagePopularity: 80 })).toBe(0.5);
    // σ((65 − 45) / 10) = σ(2) = 0.8808
    expect(mainstreamScore({ ...blank, weightedPopularity: 65 })).toBe(0.881);
    expect(mainstreamScore({ ...blank, averagePopularity: 25 })).toBe(0.119);
    expect(mainstreamScore({ ...blank, weightedPopularity: 100 })).toBeGreaterThan(0.99);
    expect(mainstreamScore({ ...blank, weightedPopularity: 0 })).toBeLessThan(0.02);
    const genres = [
      { genre: "dance pop", share: 0.3 },
      { genre: "bebop", share: 0.1 },
    ];
    // popularity 100 × (0.3·0.85 + 0.1·0.25) / 0.4 = 70: σ(2.5)
    expect(mainstreamScore({ ...blank, topGenres: genres })).toBe(0.924);
    expect(mainstreamScore(blank)).toBe(0.5);
  });

  it("weighs critical acclaim from family acclaim, distance from the charts, diversity and decade spread, stretched", () => {
    const profile = profiler.profile(jazzNostalgic);
    const total = (profile.topGenres ?? []).reduce((sum, entry) => sum + entry.share, 0);
    expect(total).toBeGreaterThan(0);
    const spread = normalisedEntropy((profile.decades ?? []).map((entry) => entry.share));
    const raw = rawAcclaim(profile, 0.6);
    expect(raw).toBeCloseTo(
      0.4 * rawFamilyAcclaim(profile) + 0.25 * 0.4 + 0.2 * (profile.genreDiversity ?? 0) + 0.15 * spread,
      12,
    );
    expect(criticalAcclaimScore(profile, 0.6)).toBe(
      Math.round(logistic((raw - ACCLAIM_CENTRE) / ACCLAIM_SCALE) * 1000) / 1000,
    );
    // Every input neutral: raw 0.5 is the centre.
    expect(criticalAcclaimScore(blank, 0.5)).toBe(0.5);
    const scores = scoresOf(profile);
    expect(scores.criticalAcclaim).toBe(criticalAcclaimScore(profile, scores.mainstream));
  });

  it("rates a jazz listener far above a chart-pop one for acclaim", () => {
    const jazz = {
      ...blank,
      topGenres: [{ genre: "bebop", share: 1 }],
      genreDiversity: 0,
      weightedPopularity: 30,
    };
    const pop = {
      ...blank,
      topGenres: [{ genre: "dance pop", share: 1 }],
      genreDiversity: 0,
      weightedPopularity: 85,
    };
    expect(scoresOf(jazz).criticalAcclaim).toBeGreaterThan(0.8);
    expect(scoresOf(pop).criticalAcclaim).toBeLessThan(0.2);
  });

  it("takes the largest family from genreFamilies, else from the top genres", () => {
    expect(
      largestFamily({
        ...blank,
        topGenres: [{ genre: "latin jazz", share: 0.05 }],
        genreFamilies: [
          { family: "ROCK", share: 0.3 },
          { family: "JAZZ", share: 0.2 },
        ],
      }),
    ).toEqual({ family: "ROCK", share: 0.3 });
    expect(
      dominantFamily([
        { genre: "indie pop", share: 0.3 },
        { genre: "shoegaze", share: 0.2 },
        { genre: "pop", share: 0.25 },
      ]),
    ).toEqual({ family: "INDIE", share: 0.5 / 0.75 });
    expect(dominantFamily([{ genre: "small room", share: 0.2 }])).toEqual({ family: "ECLECTIC", share: 1 });
    expect(dominantFamily(null)).toEqual({ family: "GENRE-FLUID", share: null });
    const decades = [
      { decade: 1970, share: 0.25 },
      { decade: 1980, share: 0.25 },
      { decade: 1990, share: 0.5 },
    ];
    expect(signalsOf({ ...blank, decades, weightedPopularity: 40 })).toMatchObject({
      vintageShare: 0.5,
      popularity: 40,
    });
    expect(signalsOf(blank).vintageShare).toBeNull();
  });
});

/** The share-weighted mean of the top genres' family acclaim priors, written out for the test. */
function rawFamilyAcclaim(profile: TasteProfile): number {
  const priors: Record<string, number> = { JAZZ: 0.9, SOUL: 0.7 };
  const genres = profile.topGenres ?? [];
  const total = genres.reduce((sum, entry) => sum + entry.share, 0);
  return (
    genres.reduce((sum, entry) => {
      const family = /jazz|bop|swing/.test(entry.genre) ? "JAZZ" : "SOUL";
      return sum + entry.share * (priors[family] ?? 0);
    }, 0) / total
  );
}

import { describe, expect, it } from "vitest";
import { Profiler } from "../../../src/analysis/profiler.js";
import {
  criticalAcclaimScore,
  dominantFamily,
  mainstreamScore,
  scoresOf,
  signalsOf,
} from "../../../src/analysis/rules-judge/scoring.js";
import type { TasteProfile } from "../../../src/analysis/taste-profile.js";
import { emptyAccount, jazzNostalgic } from "../../support/listening-fixtures.js";

const profiler = new Profiler();
const blank: TasteProfile = profiler.profile(emptyAccount);

describe("scoring", () => {
  it("takes mainstream from weighted popularity, else average popularity, else the genres' priors", () => {
    expect(mainstreamScore({ ...blank, weightedPopularity: 57.0439, averagePopularity: 80 })).toBe(0.57);
    expect(mainstreamScore({ ...blank, averagePopularity: 80 })).toBe(0.8);
    const genres = [
      { genre: "dance pop", share: 0.3 },
      { genre: "bebop", share: 0.1 },
    ];
    // (0.3·0.85 + 0.1·0.25) / 0.4
    expect(mainstreamScore({ ...blank, topGenres: genres })).toBe(0.7);
    expect(mainstreamScore(blank)).toBe(0.5);
  });

  it("weighs critical acclaim from diversity, distance from the charts, decade spread and loyalty", () => {
    const profile = profiler.profile(jazzNostalgic);
    const spread =
      -[0.5, 0.375, 0.125].reduce((sum, share) => sum + share * Math.log(share), 0) / Math.log(3);
    const expected =
      0.35 * (profile.genreDiversity ?? 0) +
      0.3 * (1 - 0.57) +
      0.2 * spread +
      0.15 * (profile.artistLoyalty ?? 0);
    expect(criticalAcclaimScore(profile, 0.57)).toBe(Math.round(expected * 1000) / 1000);
    expect(criticalAcclaimScore(blank, 0.5)).toBe(0.5); // every input neutral
    expect(scoresOf(profile)).toEqual({
      mainstream: 0.57,
      criticalAcclaim: criticalAcclaimScore(profile, 0.57),
    });
  });

  it("finds the dominant family, its share of the listed genres, and the vintage share", () => {
    expect(
      dominantFamily([
        { genre: "indie pop", share: 0.3 },
        { genre: "shoegaze", share: 0.2 },
        { genre: "pop", share: 0.25 },
      ]),
    ).toEqual({ family: "INDIE", share: 0.5 / 0.75 });
    expect(dominantFamily([{ genre: "drone", share: 0.2 }])).toEqual({ family: "ECLECTIC", share: 1 });
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

import { normalisedEntropy } from "../profiler.js";
import type { GenreShare, TasteProfile } from "../taste-profile.js";
import { familyEntry, GENRE_FAMILIES, type GenreFamily, genreFamilyOf } from "./genre-families.js";

/**
 * The rules judge's numbers: pure functions from a profile to its scores and to the signals its traits
 * and its copy read. No text here.
 *
 * Scores, rounded to 3 decimals:
 * - mainstream = weightedPopularity / 100 (averagePopularity / 100 when only that exists); without any
 *   popularity, the share-weighted mean of the top genres' family priors (Σ share·prior / Σ share); with
 *   neither, the neutral 0.5.
 * - criticalAcclaim = 0.35·diversity + 0.30·(1 − mainstream) + 0.20·decadeSpread + 0.15·loyalty, where
 *   diversity = genreDiversity, decadeSpread = normalised entropy of the decade shares (0 for one
 *   decade), loyalty = artistLoyalty, each 0.5 when unavailable: critics reward range, curiosity beyond
 *   the charts, a sense of history and knowing what you love.
 */

/** The neutral score given when a verdict has nothing to go on. */
export const NEUTRAL_SCORE = 0.5;

export interface Scores {
  /** 0..1, 1 = chart-topping. */
  readonly mainstream: number;
  /** 0..1, 1 = critically acclaimed taste. */
  readonly criticalAcclaim: number;
}

/** What the profile says beyond its own metrics, for the traits and the copy. */
export interface TasteSignals {
  /** The genre family with the largest summed share of the top genres. */
  readonly family: GenreFamily;
  /** That family's share of the listed genres, null without genres. */
  readonly familyShare: number | null;
  /** Share of tracks released before 1990, null without decades. */
  readonly vintageShare: number | null;
  /** 0..100: weighted popularity, else average popularity; null when Spotify sent none. */
  readonly popularity: number | null;
}

export function signalsOf(profile: TasteProfile): TasteSignals {
  const { family, share: familyShare } = dominantFamily(profile.topGenres);
  return {
    family,
    familyShare,
    vintageShare: vintageShareOf(profile),
    popularity: profile.weightedPopularity ?? profile.averagePopularity,
  };
}

export function scoresOf(profile: TasteProfile): Scores {
  const mainstream = mainstreamScore(profile);
  return { mainstream, criticalAcclaim: criticalAcclaimScore(profile, mainstream) };
}

export function mainstreamScore(profile: TasteProfile): number {
  const popularity = profile.weightedPopularity ?? profile.averagePopularity;
  return round3(
    popularity !== null ? clamp01(popularity / 100) : (genreMainstream(profile.topGenres) ?? NEUTRAL_SCORE),
  );
}

export function criticalAcclaimScore(profile: TasteProfile, mainstream: number): number {
  const decadeSpread =
    profile.decades === null ? null : normalisedEntropy(profile.decades.map((d) => d.share));
  return round3(
    clamp01(
      0.35 * (profile.genreDiversity ?? NEUTRAL_SCORE) +
        0.3 * (1 - mainstream) +
        0.2 * (decadeSpread ?? NEUTRAL_SCORE) +
        0.15 * (profile.artistLoyalty ?? NEUTRAL_SCORE),
    ),
  );
}

/** Share of tracks released before 1990, null without decades. */
export function vintageShareOf(profile: TasteProfile): number | null {
  return profile.decades === null
    ? null
    : profile.decades.filter((entry) => entry.decade < 1990).reduce((sum, entry) => sum + entry.share, 0);
}

/**
 * The family with the largest summed genre share, and that share over the listed genres' total. Ties go
 * to the earlier family; ECLECTIC when no genre matches a family, GENRE-FLUID when there are no genres.
 */
export function dominantFamily(topGenres: readonly GenreShare[] | null): {
  family: GenreFamily;
  share: number | null;
} {
  if (topGenres === null || topGenres.length === 0) return { family: "GENRE-FLUID", share: null };
  const totals = new Map<GenreFamily, number>();
  for (const { genre, share } of topGenres) {
    const family = genreFamilyOf(genre);
    totals.set(family, (totals.get(family) ?? 0) + share);
  }
  const order: GenreFamily[] = [...GENRE_FAMILIES.map((entry) => entry.family), "ECLECTIC"];
  let best: GenreFamily = "ECLECTIC";
  let bestShare = -1;
  for (const family of order) {
    const share = totals.get(family) ?? 0;
    if (share > bestShare) {
      best = family;
      bestShare = share;
    }
  }
  const listed = topGenres.reduce((sum, entry) => sum + entry.share, 0);
  return { family: best, share: listed > 0 ? bestShare / listed : null };
}

/** Σ share·prior / Σ share over the top genres, null without genres. */
function genreMainstream(topGenres: readonly GenreShare[] | null): number | null {
  if (topGenres === null) return null;
  const total = topGenres.reduce((sum, entry) => sum + entry.share, 0);
  if (total <= 0) return null;
  return (
    topGenres.reduce(
      (sum, entry) => sum + entry.share * familyEntry(genreFamilyOf(entry.genre)).mainstream,
      0,
    ) / total
  );
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

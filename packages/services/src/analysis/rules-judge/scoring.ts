import { normalisedEntropy } from "../profiler.js";
import type { GenreShare, TasteProfile } from "../taste-profile.js";
import { familyEntry, GENRE_FAMILIES, type GenreFamily, genreFamilyOf } from "./genre-families.js";

/**
 * The rules judge's numbers: pure functions from a profile to its scores and to the signals its traits
 * and its copy read. No text here. docs/verdicts.md explains the formulas and why they are stretched.
 *
 * Scores, rounded to 3 decimals (the judge leaves both null when the profile has too little listening):
 * - mainstream = σ((popularity − 45) / 10), popularity the weightedPopularity (averagePopularity when only
 *   that exists) and σ the logistic function: popularity 25 → 0.12, 45 → 0.5, 65 → 0.88. Popularity
 *   bunches between 20 and 70, so a plain popularity / 100 left the ends of the scale unused. Without
 *   any popularity (development mode), the popularity is 100 × the share-weighted mean of the top
 *   genres' family priors, stretched the same way; with neither, the neutral 0.5.
 * - criticalAcclaim = σ((raw − ACCLAIM_CENTRE) / ACCLAIM_SCALE), raw = 0.40·familyAcclaim +
 *   0.25·(1 − mainstream) + 0.20·genreDiversity + 0.15·decadeSpread, where familyAcclaim is the
 *   share-weighted mean of the genres' family acclaim priors (how critics regard jazz, pop …) and
 *   decadeSpread the normalised entropy of the decade shares (0 for one decade), each input 0.5 when
 *   unavailable: critics reward acclaimed genres, distance from the charts, range across families and
 *   a sense of history. The stretch spreads raw values, which sit between 0.3 and 0.7, over [0, 1].
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
  const { family, share: familyShare } = largestFamily(profile);
  return {
    family,
    familyShare,
    vintageShare: vintageShareOf(profile),
    popularity: profile.weightedPopularity ?? profile.averagePopularity,
  };
}

/** The raw acclaim that maps to 0.5, and how steeply the logistic stretch rises around it. */
export const ACCLAIM_CENTRE = 0.5;
export const ACCLAIM_SCALE = 0.07;
/** The popularity that maps to a mainstream score of 0.5, and the stretch around it. */
export const MAINSTREAM_CENTRE = 45;
export const MAINSTREAM_SCALE = 10;

export function scoresOf(profile: TasteProfile): Scores {
  const mainstream = mainstreamScore(profile);
  return { mainstream, criticalAcclaim: criticalAcclaimScore(profile, mainstream) };
}

export function mainstreamScore(profile: TasteProfile): number {
  const popularity =
    profile.weightedPopularity ?? profile.averagePopularity ?? priorPopularity(profile.topGenres);
  return round3(
    popularity === null ? NEUTRAL_SCORE : logistic((popularity - MAINSTREAM_CENTRE) / MAINSTREAM_SCALE),
  );
}

/** The acclaim before its stretch, 0..1. */
export function rawAcclaim(profile: TasteProfile, mainstream: number): number {
  const decadeSpread =
    profile.decades === null ? null : normalisedEntropy(profile.decades.map((d) => d.share));
  return (
    0.4 * (genreMean(profile.topGenres, "acclaim") ?? NEUTRAL_SCORE) +
    0.25 * (1 - mainstream) +
    0.2 * (profile.genreDiversity ?? NEUTRAL_SCORE) +
    0.15 * (decadeSpread ?? NEUTRAL_SCORE)
  );
}

export function criticalAcclaimScore(profile: TasteProfile, mainstream: number): number {
  return round3(logistic((rawAcclaim(profile, mainstream) - ACCLAIM_CENTRE) / ACCLAIM_SCALE));
}

/** The popularity the genres' families suggest (100 × the share-weighted mean prior); null without genres. */
function priorPopularity(topGenres: readonly GenreShare[] | null): number | null {
  const prior = genreMean(topGenres, "mainstream");
  return prior === null ? null : prior * 100;
}

function logistic(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** Share of tracks released before 1990, null without decades. */
export function vintageShareOf(profile: TasteProfile): number | null {
  return profile.decades === null
    ? null
    : profile.decades.filter((entry) => entry.decade < 1990).reduce((sum, entry) => sum + entry.share, 0);
}

/**
 * The listener's largest genre family and its share of all genre weight: the first of
 * profile.genreFamilies. Profiles stored before genreFamilies existed fall back to the top genres.
 */
export function largestFamily(profile: TasteProfile): { family: GenreFamily; share: number | null } {
  const [largest] = profile.genreFamilies ?? [];
  if (largest) return { family: largest.family, share: largest.share };
  return dominantFamily(profile.topGenres);
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

/** Σ share·prior / Σ share over the top genres, with the families' `mainstream` or `acclaim` prior; null without genres. */
function genreMean(topGenres: readonly GenreShare[] | null, prior: "mainstream" | "acclaim"): number | null {
  if (topGenres === null) return null;
  const total = topGenres.reduce((sum, entry) => sum + entry.share, 0);
  if (total <= 0) return null;
  return (
    topGenres.reduce((sum, entry) => sum + entry.share * familyEntry(genreFamilyOf(entry.genre))[prior], 0) /
    total
  );
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

import { z } from "zod";
import { genreFamilyOf } from "../analysis/rules-judge/genre-families.js";
import type { SharedVerdict } from "../share/shared-verdict.js";

/**
 * The compatibility of two tastes, computed only from what two share links show (their public subsets).
 * Pure: data in, data out. The formula is documented in docs/match.md.
 */

/** How much each component counts; components one side cannot provide are left out and the rest rescaled. */
export const COMPATIBILITY_WEIGHTS = {
  artists: 0.3,
  genres: 0.25,
  families: 0.15,
  decades: 0.15,
  scores: 0.15,
} as const;
export type CompatibilityComponent = keyof typeof COMPATIBILITY_WEIGHTS;

/** The dimensions two tastes are compared on for their biggest difference. */
export const DIFFERENCE_DIMENSIONS = [
  "underground",
  "acclaim",
  "mainstream",
  "loyalty",
  "diversity",
  "era",
] as const;
export type DifferenceDimension = (typeof DIFFERENCE_DIMENSIONS)[number];

export const BiggestDifference = z.object({
  dimension: z.enum(DIFFERENCE_DIMENSIONS),
  /** Your value: a share 0..1, or for `era` the mean release year of your tracks. */
  you: z.number(),
  them: z.number(),
});
export type BiggestDifference = z.infer<typeof BiggestDifference>;

/** The side of a match as the formula reads it: a shared verdict's public subset. */
export type MatchInput = Pick<SharedVerdict, "profile" | "criticalAcclaim" | "mainstream">;

export interface Compatibility {
  /** 0..1, rounded to three decimals. */
  readonly score: number;
  /** Each component's similarity 0..1, or null when one side lacks its inputs. */
  readonly components: Readonly<Record<CompatibilityComponent, number | null>>;
  /** Artist names both list, in your order. */
  readonly sharedArtists: readonly string[];
  /** Genres both list, strongest (by the smaller of the two weights) first. */
  readonly sharedGenres: readonly string[];
  readonly biggestDifference: BiggestDifference | null;
}

/** Years between two mean release years that count as the largest possible difference of era. */
const ERA_SPAN_YEARS = 40;

export function compatibilityOf(you: MatchInput, them: MatchInput): Compatibility {
  const yourArtists = artistWeights(you);
  const theirArtists = artistWeights(them);
  const yourGenres = genreWeights(you);
  const theirGenres = genreWeights(them);
  const components: Record<CompatibilityComponent, number | null> = {
    artists:
      yourArtists.size > 0 && theirArtists.size > 0 ? weightedJaccard(yourArtists, theirArtists) : null,
    genres: yourGenres.size > 0 && theirGenres.size > 0 ? weightedJaccard(yourGenres, theirGenres) : null,
    families:
      yourGenres.size > 0 && theirGenres.size > 0
        ? weightedJaccard(familyWeights(yourGenres), familyWeights(theirGenres))
        : null,
    decades: decadeCloseness(you, them),
    scores: scoreCloseness(you, them),
  };
  let weighted = 0;
  let totalWeight = 0;
  for (const [component, similarity] of Object.entries(components) as [
    CompatibilityComponent,
    number | null,
  ][]) {
    if (similarity === null) continue;
    weighted += COMPATIBILITY_WEIGHTS[component] * similarity;
    totalWeight += COMPATIBILITY_WEIGHTS[component];
  }
  const score = totalWeight > 0 ? round(weighted / totalWeight) : 0;
  return {
    score,
    components,
    sharedArtists: sharedArtistsOf(you, them),
    sharedGenres: [...yourGenres.keys()]
      .filter((genre) => theirGenres.has(genre))
      .map((genre) => ({
        genre,
        weight: Math.min(yourGenres.get(genre) ?? 0, theirGenres.get(genre) ?? 0),
      }))
      .sort((a, b) => b.weight - a.weight || a.genre.localeCompare(b.genre))
      .map((entry) => entry.genre),
    biggestDifference: biggestDifferenceOf(you, them),
  };
}

/** Σ min / Σ max over the union of keys: 1 for equal weights, 0 for nothing in common; symmetric. */
export function weightedJaccard(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let shared = 0;
  let union = 0;
  for (const key of unionOfKeys(a, b)) {
    const left = a.get(key) ?? 0;
    const right = b.get(key) ?? 0;
    shared += Math.min(left, right);
    union += Math.max(left, right);
  }
  return union > 0 ? shared / union : 0;
}

/** Artists by rank: the first counts most (1/(rank+1)), normalised to sum 1. */
function artistWeights(side: MatchInput): Map<string, number> {
  const weights = new Map<string, number>();
  side.profile.topArtists.forEach((artist, rank) => {
    const key = normalise(artist.name);
    weights.set(key, (weights.get(key) ?? 0) + 1 / (rank + 1));
  });
  return normalised(weights);
}

/** The top genres' shares, normalised to sum 1; without them, the genres of the top artists by rank. */
function genreWeights(side: MatchInput): Map<string, number> {
  const weights = new Map<string, number>();
  if (side.profile.topGenres && side.profile.topGenres.length > 0) {
    for (const { genre, share } of side.profile.topGenres) {
      const key = normalise(genre);
      weights.set(key, (weights.get(key) ?? 0) + share);
    }
  } else {
    side.profile.topArtists.forEach((artist, rank) => {
      for (const genre of artist.genres) {
        const key = normalise(genre);
        weights.set(key, (weights.get(key) ?? 0) + 1 / (rank + 1));
      }
    });
  }
  return normalised(weights);
}

function familyWeights(genres: ReadonlyMap<string, number>): Map<string, number> {
  const families = new Map<string, number>();
  for (const [genre, weight] of genres) {
    const family = genreFamilyOf(genre);
    families.set(family, (families.get(family) ?? 0) + weight);
  }
  return families;
}

/** 1 − total variation distance of the two decade distributions. */
function decadeCloseness(you: MatchInput, them: MatchInput): number | null {
  const yours = you.profile.decades;
  const theirs = them.profile.decades;
  if (!yours || !theirs || yours.length === 0 || theirs.length === 0) return null;
  const a = new Map(yours.map((entry) => [String(entry.decade), entry.share]));
  const b = new Map(theirs.map((entry) => [String(entry.decade), entry.share]));
  const sumA = [...a.values()].reduce((sum, share) => sum + share, 0);
  const sumB = [...b.values()].reduce((sum, share) => sum + share, 0);
  let distance = 0;
  for (const key of unionOfKeys(a, b)) {
    distance += Math.abs((a.get(key) ?? 0) / (sumA || 1) - (b.get(key) ?? 0) / (sumB || 1));
  }
  return clamp(1 - distance / 2);
}

/** 1 − the mean absolute difference of the scores both sides have (acclaim, mainstream). */
function scoreCloseness(you: MatchInput, them: MatchInput): number | null {
  const differences: number[] = [];
  if (you.criticalAcclaim !== null && them.criticalAcclaim !== null)
    differences.push(Math.abs(you.criticalAcclaim - them.criticalAcclaim));
  if (you.mainstream !== null && them.mainstream !== null)
    differences.push(Math.abs(you.mainstream - them.mainstream));
  if (differences.length === 0) return null;
  return clamp(1 - differences.reduce((sum, value) => sum + value, 0) / differences.length);
}

function sharedArtistsOf(you: MatchInput, them: MatchInput): string[] {
  const theirs = new Set(them.profile.topArtists.map((artist) => normalise(artist.name)));
  const seen = new Set<string>();
  const shared: string[] = [];
  for (const artist of you.profile.topArtists) {
    const key = normalise(artist.name);
    if (theirs.has(key) && !seen.has(key)) {
      seen.add(key);
      shared.push(artist.name);
    }
  }
  return shared;
}

/** The dimension on which the two differ most, each difference on a 0..1 scale; ties go to the first listed. */
function biggestDifferenceOf(you: MatchInput, them: MatchInput): BiggestDifference | null {
  const candidates: {
    dimension: DifferenceDimension;
    you: number | null;
    them: number | null;
    span: number;
  }[] = [
    { dimension: "underground", you: you.profile.obscurity, them: them.profile.obscurity, span: 1 },
    { dimension: "acclaim", you: you.criticalAcclaim, them: them.criticalAcclaim, span: 1 },
    { dimension: "mainstream", you: you.mainstream, them: them.mainstream, span: 1 },
    { dimension: "loyalty", you: you.profile.artistLoyalty, them: them.profile.artistLoyalty, span: 1 },
    { dimension: "diversity", you: you.profile.genreDiversity, them: them.profile.genreDiversity, span: 1 },
    { dimension: "era", you: meanYear(you), them: meanYear(them), span: ERA_SPAN_YEARS },
  ];
  let best: BiggestDifference | null = null;
  let bestGap = 0;
  for (const candidate of candidates) {
    if (candidate.you === null || candidate.them === null) continue;
    const gap = Math.min(1, Math.abs(candidate.you - candidate.them) / candidate.span);
    if (best === null || gap > bestGap) {
      best = { dimension: candidate.dimension, you: round(candidate.you), them: round(candidate.them) };
      bestGap = gap;
    }
  }
  return best;
}

/** The mean release year of a listener's tracks (each decade's middle, weighted by its share). */
function meanYear(side: MatchInput): number | null {
  const decades = side.profile.decades;
  if (!decades || decades.length === 0) return null;
  const total = decades.reduce((sum, entry) => sum + entry.share, 0);
  if (total <= 0) return null;
  return decades.reduce((sum, entry) => sum + (entry.decade + 5) * entry.share, 0) / total;
}

/** Sorted, so both argument orders sum in the same order and the result is exactly symmetric. */
function unionOfKeys(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort();
}

function normalised(weights: Map<string, number>): Map<string, number> {
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return new Map();
  return new Map([...weights].map(([key, weight]) => [key, weight / total]));
}

function normalise(name: string): string {
  return name.trim().toLowerCase();
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

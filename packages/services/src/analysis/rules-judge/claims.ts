import type { DecadeShare } from "../taste-profile.js";

/**
 * The statements of fact the rules judge's copy makes, each computed here from the profile so that a
 * test can hold the text to it: "most of it is jazz" only when jazz holds more than half, "the 1990s"
 * only when that decade holds the most tracks, counts phrased as a person would say them.
 */

/** The decade with the largest share of tracks (the earlier one on a tie), null without decades. */
export function peakDecade(decades: readonly DecadeShare[] | null): DecadeShare | null {
  if (decades === null || decades.length === 0) return null;
  return [...decades].sort((a, b) => b.share - a.share || a.decade - b.decade)[0] ?? null;
}

/** How many decades the tracks span and the oldest and newest of them, null without decades. */
export function decadeSpan(
  decades: readonly DecadeShare[] | null,
): { count: number; oldest: number; newest: number } | null {
  if (decades === null || decades.length === 0) return null;
  const sorted = [...decades].map((entry) => entry.decade).sort((a, b) => a - b);
  return { count: sorted.length, oldest: sorted[0]!, newest: sorted[sorted.length - 1]! };
}

/** "Most of it is <family>": true only when the family holds more than half of the listed genres. */
export function isMostlyOneFamily(familyShare: number | null): boolean {
  return familyShare !== null && familyShare > 0.5;
}

/** Where a popularity (0..100) sits, for the sentence that reads it. */
export type PopularityBand = "chart" | "familiar" | "between" | "underground";

export function popularityBand(popularity: number): PopularityBand {
  if (popularity >= 70) return "chart";
  if (popularity >= 50) return "familiar";
  if (popularity >= 30) return "between";
  return "underground";
}

/** How loyal a listener is, from artistLoyalty (0..1). */
export type LoyaltyBand = "devoted" | "steady" | "restless";

export function loyaltyBand(loyalty: number, devotedFrom: number): LoyaltyBand {
  if (loyalty >= devotedFrom) return "devoted";
  return loyalty >= 0.4 ? "steady" : "restless";
}

const NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

/**
 * A count as a person would say it: words up to ten ("seven"), "a dozen or so" up to fourteen, then
 * "around" the nearest ten ("around 90"), never a bare "90 top artists".
 */
export function spokenCount(count: number): string {
  if (count <= 10) return NUMBER_WORDS[Math.max(0, count)]!;
  if (count <= 14) return "a dozen or so";
  return `around ${Math.round(count / 10) * 10}`;
}

/** "42%": a share as a whole percentage. */
export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

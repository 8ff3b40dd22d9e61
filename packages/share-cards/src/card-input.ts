import { createHash } from "node:crypto";
import type { PublicMatch, SharedVerdict } from "@unwrapped/services";
import { choosePunchline, truncateAtWord } from "./punchline.js";

/** The two images of a verdict: a link preview and a story. */
export const CARD_SIZES = {
  card: { width: 1200, height: 630 },
  story: { width: 1080, height: 1920 },
} as const;
export type CardSize = keyof typeof CARD_SIZES;

/**
 * Bumped whenever the drawing changes (layout, fonts, copy), so every stored image is drawn again:
 * it is part of the content key.
 */
export const CARD_DESIGN_VERSION = 1;

const DISPLAY_NAME_MAX_CHARACTERS = 40;

/** Everything a card shows, and nothing else: two verdicts with equal inputs draw the same image. */
export interface CardInput {
  /** "Ana's music taste" or "A listener's music taste". */
  readonly heading: string;
  readonly label: string;
  readonly punchline: string;
  readonly mainstream: number | null;
  readonly criticalAcclaim: number | null;
  readonly genres: readonly string[];
  readonly artists: readonly string[];
  /** Our name and where to find us: "unwrapped", "unwrapped.example". */
  readonly siteName: string;
  readonly siteHost: string;
  /**
   * A match's card only (absent on a verdict's, so a verdict's content key is what it was): the titles
   * of the two lists, and the other listener's scores as a second dot on the chart.
   */
  readonly listTitles?: { readonly genres: string; readonly artists: string };
  readonly other?: { readonly mainstream: number | null; readonly criticalAcclaim: number | null };
}

export function cardInput(verdict: SharedVerdict, publicUrl: string): CardInput {
  const name = verdict.displayName?.replace(/\s+/g, " ").trim();
  return {
    heading: name
      ? `${truncateAtWord(name, DISPLAY_NAME_MAX_CHARACTERS)}'s music taste`
      : "A listener's music taste",
    label: verdict.label,
    punchline: choosePunchline(verdict.description),
    mainstream: verdict.mainstream,
    criticalAcclaim: verdict.criticalAcclaim,
    genres: (verdict.profile.topGenres ?? []).slice(0, 3).map((genre) => genre.genre),
    artists: verdict.profile.topArtists.slice(0, 3).map((artist) => artist.name),
    siteName: "unwrapped",
    siteHost: new URL(publicUrl).host,
  };
}

/**
 * A match's images: "Max × Wren · 42 % compatible", the pair's label, a line of the joint verdict, the
 * shared genres and artists, and both listeners on the chart. Only the match's public subsets are read.
 */
export function matchCardInput(match: PublicMatch, publicUrl: string): CardInput {
  const name = (displayName: string | null, fallback: string) => {
    const clean = displayName?.replace(/\s+/g, " ").trim();
    return clean ? truncateAtWord(clean, 20) : fallback;
  };
  return {
    heading: `${name(match.you.displayName, "A listener")} × ${name(match.them.displayName, "a friend")} · ${Math.round(match.compatibility * 100)} % compatible`,
    label: match.label,
    punchline: choosePunchline(match.description),
    mainstream: match.you.mainstream,
    criticalAcclaim: match.you.criticalAcclaim,
    genres: match.sharedGenres.slice(0, 3),
    artists: match.sharedArtists.slice(0, 3),
    siteName: "unwrapped",
    siteHost: new URL(publicUrl).host,
    listTitles: { genres: "Shared genres", artists: "Shared artists" },
    other: { mainstream: match.them.mainstream, criticalAcclaim: match.them.criticalAcclaim },
  };
}

/**
 * The cache key of an image: a hash of what it shows, its size and the design version. A new verdict,
 * a renamed listener or a redesign changes it; fetching again, revoking or rotating the link does not.
 */
export function contentKey(input: CardInput, size: CardSize): string {
  return createHash("sha256")
    .update(JSON.stringify({ design: CARD_DESIGN_VERSION, size, input }))
    .digest("base64url");
}

/** The named quadrants of the chart: mainstream left to right, critical acclaim bottom to top. */
export const QUADRANTS = {
  topLeft: "Hidden gems",
  topRight: "Crowd-pleasing classics",
  bottomLeft: "Basement oddities",
  bottomRight: "Guilty pleasures",
} as const;

/** The quadrant a verdict falls in, or null without scores. */
export function quadrantOf(mainstream: number | null, criticalAcclaim: number | null): string | null {
  if (mainstream === null || criticalAcclaim === null) return null;
  if (criticalAcclaim >= 0.5) return mainstream >= 0.5 ? QUADRANTS.topRight : QUADRANTS.topLeft;
  return mainstream >= 0.5 ? QUADRANTS.bottomRight : QUADRANTS.bottomLeft;
}

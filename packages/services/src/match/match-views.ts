import type { Match as MatchRow } from "@unwrapped/db";
import { z } from "zod";
import { Tone } from "../analysis/views.js";
import { SharedVerdict } from "../share/shared-verdict.js";
import { BiggestDifference } from "./compatibility.js";

/**
 * What clients see of a match: the one definition of each shape (the match router validates its output
 * with these), and the mapping from a row.
 */

/** One side of a match: exactly what that side's share link shows, nothing more. */
export const MatchSide = SharedVerdict;
export type MatchSide = z.infer<typeof MatchSide>;

export const Match = z.object({
  matchId: z.uuid(),
  /** 0..1, see docs/match.md for the formula. */
  compatibility: z.number().min(0).max(1),
  /** The pair's label, 2–4 upper-case words. */
  label: z.string(),
  /** The joint verdict, 80–200 words. */
  description: z.string(),
  sharedArtists: z.array(z.string()).readonly(),
  sharedGenres: z.array(z.string()).readonly(),
  /** null when the two verdicts have no dimension in common to compare. */
  biggestDifference: BiggestDifference.nullable(),
  tone: Tone,
  judge: z.enum(["llm", "rules"]),
  you: MatchSide,
  them: MatchSide,
  /** null while the match's public link is revoked (match.rotateShare makes a new one). */
  shareToken: z.string().nullable(),
  shareUrl: z.string().nullable(),
  createdAt: z.date(),
});
export type Match = z.infer<typeof Match>;

export const MatchPage = z.object({
  items: z.array(Match).readonly(),
  nextCursor: z.string().nullable(),
});
export type MatchPage = z.infer<typeof MatchPage>;

/** What the public match page shows: the match without its owner's controls. */
export const PublicMatch = Match.omit({ matchId: true, shareToken: true, shareUrl: true });
export type PublicMatch = z.infer<typeof PublicMatch>;

/** The public page of a match token. */
export function matchUrlFor(publicUrl: string, token: string): string {
  return `${publicUrl}/m/${token}`;
}

export function toPublicMatch(row: MatchRow): PublicMatch {
  return {
    compatibility: row.compatibility,
    label: row.label,
    description: row.description,
    sharedArtists: row.sharedArtists as string[],
    sharedGenres: row.sharedGenres as string[],
    biggestDifference: row.biggestDifference as BiggestDifference | null,
    tone: row.tone,
    judge: row.judge,
    you: reviveSide(row.ownerSnapshot),
    them: reviveSide(row.otherSnapshot),
    createdAt: row.createdAt,
  };
}

export function toMatch(row: MatchRow, publicUrl: string): Match {
  const shared = row.shareRevokedAt === null;
  return {
    matchId: row.id,
    ...toPublicMatch(row),
    shareToken: shared ? row.shareToken : null,
    shareUrl: shared ? matchUrlFor(publicUrl, row.shareToken) : null,
  };
}

/** Snapshots are stored as JSON, so their dates come back as strings; the schema is the one reader. */
function reviveSide(snapshot: unknown): MatchSide {
  const side = snapshot as MatchSide & { analyzedAt: string | Date };
  return MatchSide.parse({ ...side, analyzedAt: new Date(side.analyzedAt) });
}

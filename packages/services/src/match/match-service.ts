import { analyses, type Database, matches, users } from "@unwrapped/db";
import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { TasteProfile } from "../analysis/taste-profile.js";
import type { Tone } from "../analysis/views.js";
import type { Clock } from "../clock.js";
import { NotFoundError, PreconditionFailedError, ValidationError } from "../errors.js";
import { SHARED_VERDICT_COLUMNS } from "../share/share-service.js";
import { createShareToken } from "../share/share-token.js";
import { type SharedVerdict, toPublicProfile } from "../share/shared-verdict.js";
import { compatibilityOf } from "./compatibility.js";
import type { MatchFactsSide, MatchJudge } from "./match-rules-judge.js";
import {
  type Match,
  type MatchPage,
  matchUrlFor,
  type PublicMatch,
  toMatch,
  toPublicMatch,
} from "./match-views.js";

export interface MatchServiceDependencies {
  readonly db: Database;
  readonly clock: Clock;
  readonly publicUrl: string;
  /** Writes the joint verdict: the rules judge, or the LLM judge falling back to it. */
  readonly judge: MatchJudge;
}

/** A shared verdict's columns (as ShareService reads them), with the owner and the tone. */
const sharedVerdictColumns = {
  ...SHARED_VERDICT_COLUMNS,
  userId: analyses.userId,
  tone: analyses.tone,
};

/**
 * Taste matches between the signed-in listener's latest verdict and a verdict someone shared with them.
 * The other side is read through its share token and reduced to its public subset at once; the match
 * stores snapshots of both public subsets and nothing else of either account. Only the owner sees a
 * match by id; its own public link can be revoked and rotated like a share. The other listener is not
 * told.
 */
export class MatchService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #publicUrl: string;
  readonly #judge: MatchJudge;

  constructor(dependencies: MatchServiceDependencies) {
    this.#db = dependencies.db;
    this.#clock = dependencies.clock;
    this.#publicUrl = dependencies.publicUrl;
    this.#judge = dependencies.judge;
  }

  async create(
    userId: string,
    input: { shareToken: string; tone?: Tone | undefined },
    signal?: AbortSignal,
  ): Promise<Match> {
    const [other] = await this.#db
      .select(sharedVerdictColumns)
      .from(analyses)
      .innerJoin(users, eq(users.id, analyses.userId))
      .where(
        and(
          eq(analyses.shareToken, input.shareToken),
          isNull(analyses.shareRevokedAt),
          eq(analyses.status, "completed"),
        ),
      );
    if (!other) throw new NotFoundError("This share link does not exist or was revoked.");
    if (other.userId === userId) {
      throw new ValidationError("That is your own share link. Paste a link someone else shared with you.");
    }
    const [own] = await this.#db
      .select(sharedVerdictColumns)
      .from(analyses)
      .innerJoin(users, eq(users.id, analyses.userId))
      .where(and(eq(analyses.userId, userId), eq(analyses.status, "completed")))
      .orderBy(desc(analyses.createdAt), desc(analyses.id))
      .limit(1);
    if (!own) {
      throw new PreconditionFailedError(
        "You have no verdict to compare yet. Run an analysis first, then match.",
      );
    }
    const you = publicSubsetOf(own);
    const them = publicSubsetOf(other);
    const compatibility = compatibilityOf(you, them);
    const tone = input.tone ?? own.tone;
    const verdict = await this.#judge.judge(
      { compatibility, tone, you: factsOf(you), them: factsOf(them) },
      signal,
    );
    const [row] = await this.#db
      .insert(matches)
      .values({
        ownerId: userId,
        ownerAnalysisId: own.analysisId,
        otherAnalysisId: other.analysisId,
        ownerSnapshot: you,
        otherSnapshot: them,
        compatibility: compatibility.score,
        label: verdict.label,
        description: verdict.description,
        sharedArtists: compatibility.sharedArtists,
        sharedGenres: compatibility.sharedGenres,
        biggestDifference: compatibility.biggestDifference,
        tone,
        judge: verdict.judge,
        shareToken: createShareToken(),
        createdAt: this.#clock.now(),
      })
      .returning();
    if (!row) throw new Error("The match was not stored");
    return toMatch(row, this.#publicUrl);
  }

  async get(userId: string, matchId: string): Promise<Match> {
    return toMatch(await this.#owned(userId, matchId), this.#publicUrl);
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(
    userId: string,
    options: { cursor?: string | undefined; limit?: number | undefined } = {},
  ): Promise<MatchPage> {
    const limit = options.limit ?? 20;
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await this.#db
      .select()
      .from(matches)
      .where(
        and(
          eq(matches.ownerId, userId),
          after
            ? or(
                lt(matches.createdAt, after.createdAt),
                and(eq(matches.createdAt, after.createdAt), lt(matches.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(matches.createdAt), desc(matches.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => toMatch(row, this.#publicUrl)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async delete(userId: string, matchId: string): Promise<void> {
    const deleted = await this.#db
      .delete(matches)
      .where(and(eq(matches.id, matchId), eq(matches.ownerId, userId)))
      .returning({ id: matches.id });
    if (deleted.length === 0) throw matchNotFound();
  }

  /** The match's public link stops working; idempotent. */
  async revokeShare(userId: string, matchId: string): Promise<void> {
    await this.#owned(userId, matchId);
    await this.#db
      .update(matches)
      .set({ shareRevokedAt: this.#clock.now() })
      .where(and(eq(matches.id, matchId), eq(matches.ownerId, userId), isNull(matches.shareRevokedAt)));
  }

  /** A new public link for the match; the old one stops working. Also re-enables a revoked link. */
  async rotateShare(userId: string, matchId: string): Promise<{ shareToken: string; shareUrl: string }> {
    await this.#owned(userId, matchId);
    const shareToken = createShareToken();
    await this.#db
      .update(matches)
      .set({ shareToken, shareRevokedAt: null })
      .where(and(eq(matches.id, matchId), eq(matches.ownerId, userId)));
    return { shareToken, shareUrl: matchUrlFor(this.#publicUrl, shareToken) };
  }

  /** The public match behind a token: NOT_FOUND for unknown, revoked and rotated-away tokens alike. */
  async getPublic(token: string): Promise<PublicMatch> {
    const [row] = await this.#db
      .select()
      .from(matches)
      .where(and(eq(matches.shareToken, token), isNull(matches.shareRevokedAt)));
    if (!row) throw new NotFoundError("This match link does not exist or was revoked.");
    return toPublicMatch(row);
  }

  async #owned(userId: string, matchId: string) {
    const [row] = await this.#db
      .select()
      .from(matches)
      .where(and(eq(matches.id, matchId), eq(matches.ownerId, userId)));
    if (!row) throw matchNotFound();
    return row;
  }
}

/** Exactly what the side's share link shows (SharedVerdict), built by the share module's own reducer. */
function publicSubsetOf(row: {
  label: string | null;
  description: string | null;
  criticalAcclaim: number | null;
  mainstream: number | null;
  profile: unknown;
  displayName: string | null;
  completedAt: Date | null;
  analysisId: string;
}): SharedVerdict {
  return {
    label: row.label ?? "",
    description: row.description ?? "",
    criticalAcclaim: row.criticalAcclaim,
    mainstream: row.mainstream,
    profile: toPublicProfile(row.profile as TasteProfile),
    displayName: row.displayName,
    analyzedAt: row.completedAt ?? new Date(0),
  };
}

function factsOf(side: SharedVerdict): MatchFactsSide {
  return {
    displayName: side.displayName,
    label: side.label,
    topGenres: (side.profile.topGenres ?? []).slice(0, 3).map((entry) => entry.genre),
  };
}

function matchNotFound(): NotFoundError {
  return new NotFoundError("No match with this id was found.");
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new ValidationError("The cursor is not valid; use nextCursor from a previous page.");
  }
  return { createdAt, id };
}

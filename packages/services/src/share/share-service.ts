import { analyses, type Database, users } from "@unwrapped/db";
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { TasteProfile } from "../analysis/taste-profile.js";
import type { Clock } from "../clock.js";
import { NotFoundError, PreconditionFailedError } from "../errors.js";
import { createShareToken, shareUrlFor } from "./share-token.js";
import { type SharedVerdict, type ShareLink, toPublicProfile } from "./shared-verdict.js";

/** A shared verdict and the id of its analysis (never sent to the public: it keys stored images). */
export interface SharedVerdictOfAnalysis {
  readonly analysisId: string;
  readonly verdict: SharedVerdict;
}

/** What a share link shows now, as a cache key: it changes whenever the verdict or the name does. */
export interface ShareRevision {
  readonly analysisId: string;
  readonly revision: string;
}

/** What a shared verdict is read from: the analysis and its owner's display name (joined on users). */
export const SHARED_VERDICT_COLUMNS = {
  analysisId: analyses.id,
  label: analyses.label,
  description: analyses.description,
  criticalAcclaim: analyses.criticalAcclaim,
  mainstream: analyses.mainstream,
  profile: analyses.profile,
  completedAt: analyses.completedAt,
  displayName: users.displayName,
};

/** Share links: public reads by token, and the owner's revoke and rotate. */
export class ShareService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #publicUrl: string;
  readonly #revisionQuery;

  constructor(dependencies: { db: Database; clock: Clock; publicUrl: string }) {
    this.#db = dependencies.db;
    this.#clock = dependencies.clock;
    this.#publicUrl = dependencies.publicUrl;
    // Built and prepared once: the hot read of a link going viral pays neither query building nor planning.
    this.#revisionQuery = this.#db
      .select({ analysisId: analyses.id, version: analyses.version, displayName: users.displayName })
      .from(analyses)
      .innerJoin(users, eq(users.id, analyses.userId))
      .where(
        and(
          eq(analyses.shareToken, sql.placeholder("token")),
          isNull(analyses.shareRevokedAt),
          eq(analyses.status, "completed"),
        ),
      )
      .prepare("share_link_revision");
  }

  /** The public verdict behind a token: NOT_FOUND for unknown and revoked tokens alike. */
  async get(token: string): Promise<SharedVerdict> {
    return (await this.getWithAnalysis(token)).verdict;
  }

  /**
   * The same, with the analysis it belongs to (what its share images are stored under). One indexed
   * read of the current token, so a revoked or rotated token fails at once on every process.
   */
  async getWithAnalysis(token: string): Promise<SharedVerdictOfAnalysis> {
    const found = await this.#find(
      and(eq(analyses.shareToken, token), isNull(analyses.shareRevokedAt), eq(analyses.status, "completed")),
    );
    if (!found) throw new NotFoundError("This share link does not exist or was revoked.");
    return found;
  }

  /**
   * The current revision of a share link, without its text or profile: the analysis, its `version`
   * (bumped by every write of the row) and the display name shown with it. One small indexed read, made
   * on every request for a share page or image, so that a revoked or rotated token fails at once on
   * every process while what it shows comes from a cache keyed by the revision. Null for unknown and
   * revoked tokens.
   */
  async revisionOf(token: string): Promise<ShareRevision | null> {
    const [row] = await this.#revisionQuery.execute({ token });
    if (!row) return null;
    return { analysisId: row.analysisId, revision: JSON.stringify([row.version, row.displayName]) };
  }

  /**
   * The owner's own verdict in its public shape, whether or not it is shared: what the owner's share
   * images show. NOT_FOUND for another user's analysis (existence is not revealed), PRECONDITION_FAILED
   * while it is not completed.
   */
  async getOwn(userId: string, analysisId: string): Promise<SharedVerdictOfAnalysis> {
    await this.#owned(userId, analysisId);
    const found = await this.#find(
      and(eq(analyses.id, analysisId), eq(analyses.userId, userId), eq(analyses.status, "completed")),
    );
    if (!found) throw new NotFoundError("No analysis with this id was found.");
    return found;
  }

  async #find(where: SQL | undefined): Promise<SharedVerdictOfAnalysis | null> {
    const [row] = await this.#db
      .select(SHARED_VERDICT_COLUMNS)
      .from(analyses)
      .innerJoin(users, eq(users.id, analyses.userId))
      .where(where);
    if (!row?.completedAt) return null;
    return {
      analysisId: row.analysisId,
      verdict: {
        label: row.label ?? "",
        description: row.description ?? "",
        criticalAcclaim: row.criticalAcclaim,
        mainstream: row.mainstream,
        profile: toPublicProfile(row.profile as TasteProfile),
        displayName: row.displayName,
        analyzedAt: row.completedAt,
      },
    };
  }

  async revoke(userId: string, analysisId: string): Promise<void> {
    await this.#owned(userId, analysisId);
    await this.#db
      .update(analyses)
      .set({ shareRevokedAt: this.#clock.now() })
      .where(and(eq(analyses.id, analysisId), eq(analyses.userId, userId), isNull(analyses.shareRevokedAt)));
  }

  /** A new token for the analysis; the old link stops working. Also re-enables a revoked share. */
  async rotate(userId: string, analysisId: string): Promise<ShareLink> {
    await this.#owned(userId, analysisId);
    const shareToken = createShareToken();
    await this.#db
      .update(analyses)
      .set({ shareToken, shareRevokedAt: null })
      .where(and(eq(analyses.id, analysisId), eq(analyses.userId, userId)));
    return { shareToken, shareUrl: shareUrlFor(this.#publicUrl, shareToken) };
  }

  async #owned(userId: string, analysisId: string) {
    const [row] = await this.#db
      .select({ status: analyses.status })
      .from(analyses)
      .where(and(eq(analyses.id, analysisId), eq(analyses.userId, userId)));
    if (!row) throw new NotFoundError("No analysis with this id was found.");
    if (row.status !== "completed")
      throw new PreconditionFailedError("Only a completed analysis can be shared.");
  }
}

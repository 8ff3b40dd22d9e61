import { analyses, type Database, users } from "@unwrapped/db";
import { and, eq, isNull } from "drizzle-orm";
import type { TasteProfile } from "../analysis/taste-profile.js";
import type { Clock } from "../clock.js";
import { NotFoundError, PreconditionFailedError } from "../errors.js";
import { createShareToken, shareUrlFor } from "./share-token.js";
import { type SharedVerdict, type ShareLink, toPublicProfile } from "./shared-verdict.js";

/** Share links: public reads by token, and the owner's revoke and rotate. */
export class ShareService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #publicUrl: string;

  constructor(dependencies: { db: Database; clock: Clock; publicUrl: string }) {
    this.#db = dependencies.db;
    this.#clock = dependencies.clock;
    this.#publicUrl = dependencies.publicUrl;
  }

  /** The public verdict behind a token: NOT_FOUND for unknown and revoked tokens alike. */
  async get(token: string): Promise<SharedVerdict> {
    const [row] = await this.#db
      .select({
        label: analyses.label,
        description: analyses.description,
        criticalAcclaim: analyses.criticalAcclaim,
        mainstream: analyses.mainstream,
        profile: analyses.profile,
        completedAt: analyses.completedAt,
        displayName: users.displayName,
      })
      .from(analyses)
      .innerJoin(users, eq(users.id, analyses.userId))
      .where(
        and(
          eq(analyses.shareToken, token),
          isNull(analyses.shareRevokedAt),
          eq(analyses.status, "completed"),
        ),
      );
    if (!row?.completedAt) throw new NotFoundError("This share link does not exist or was revoked.");
    return {
      label: row.label ?? "",
      description: row.description ?? "",
      criticalAcclaim: row.criticalAcclaim,
      mainstream: row.mainstream,
      profile: toPublicProfile(row.profile as TasteProfile),
      displayName: row.displayName,
      analyzedAt: row.completedAt,
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

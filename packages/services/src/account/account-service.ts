import {
  analyses,
  type Database,
  loginCodes,
  notify,
  sessions,
  spotifyCredentials,
  users,
} from "@unwrapped/db";
import { eq } from "drizzle-orm";
import type { RevocationList } from "../auth/revocation-list.js";
import { SESSION_REVOKED_CHANNEL } from "../queue/channels.js";
import { forgetStandings } from "../standings/standings-service.js";

/**
 * A listener leaving: everything we hold about them goes at once (Spotify's developer terms ask apps to
 * delete a user's data on request), or only the Spotify tokens when they want to keep their verdicts.
 */
export class AccountService {
  readonly #db: Database;
  readonly #revocations: RevocationList | undefined;

  constructor(dependencies: { db: Database; revocations?: RevocationList | undefined }) {
    this.#db = dependencies.db;
    this.#revocations = dependencies.revocations;
  }

  /**
   * Deletes the user's Spotify credentials, sessions, login codes, standings, analyses (and with them
   * every share link and every match made against them) and the user row, in one transaction: a share
   * link 404s the moment this commits, a worker still running one of the analyses loses its lease and
   * drops its result, and the user's access tokens stop working on every server process. Deleting twice
   * is harmless.
   */
  async delete(userId: string): Promise<void> {
    const families = await this.#db.transaction(async (tx) => {
      await tx.delete(spotifyCredentials).where(eq(spotifyCredentials.userId, userId));
      const ended = await tx
        .delete(sessions)
        .where(eq(sessions.userId, userId))
        .returning({ familyId: sessions.familyId });
      const familyIds = [...new Set(ended.map((row) => row.familyId))];
      // Every process ends the user's access tokens (and watch streams) when this commits.
      for (const familyId of familyIds) await notify(tx, SESSION_REVOKED_CHANNEL, familyId);
      await tx.delete(loginCodes).where(eq(loginCodes.userId, userId));
      await forgetStandings(tx, userId);
      await tx.delete(analyses).where(eq(analyses.userId, userId));
      await tx.delete(users).where(eq(users.id, userId));
      return familyIds;
    });
    this.#revocations?.revoked(families);
  }

  /** Forgets the user's Spotify tokens; their verdicts and share links stay. Signing in again reconnects. */
  async disconnectSpotify(userId: string): Promise<void> {
    await this.#db.delete(spotifyCredentials).where(eq(spotifyCredentials.userId, userId));
  }
}

import { analyses, type Database, loginCodes, sessions, spotifyCredentials, users } from "@unwrapped/db";
import { eq } from "drizzle-orm";
import { forgetStandings } from "../standings/standings-service.js";

/**
 * A listener leaving: everything we hold about them goes at once (Spotify's developer terms ask apps to
 * delete a user's data on request), or only the Spotify tokens when they want to keep their verdicts.
 */
export class AccountService {
  readonly #db: Database;

  constructor(dependencies: { db: Database }) {
    this.#db = dependencies.db;
  }

  /**
   * Deletes the user's Spotify credentials, sessions, login codes, standings, analyses (and with them every share
   * link and every match made against them) and the user row, in one transaction: a share link 404s the moment this commits, and a worker
   * still running one of the analyses loses its lease and drops its result. Deleting twice is harmless.
   */
  async delete(userId: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.delete(spotifyCredentials).where(eq(spotifyCredentials.userId, userId));
      await tx.delete(sessions).where(eq(sessions.userId, userId));
      await tx.delete(loginCodes).where(eq(loginCodes.userId, userId));
      await forgetStandings(tx, userId);
      await tx.delete(analyses).where(eq(analyses.userId, userId));
      await tx.delete(users).where(eq(users.id, userId));
    });
  }

  /** Forgets the user's Spotify tokens; their verdicts and share links stay. Signing in again reconnects. */
  async disconnectSpotify(userId: string): Promise<void> {
    await this.#db.delete(spotifyCredentials).where(eq(spotifyCredentials.userId, userId));
  }
}

import { type Database, spotifyCredentials } from "@unwrapped/db";
import { eq } from "drizzle-orm";
import { saveSpotifyTokens } from "../auth/spotify-credentials.js";
import type { Clock } from "../clock.js";
import type { TokenCipher } from "../crypto/token-cipher.js";
import { ReauthorizationRequiredError } from "../errors.js";
import type { SpotifyAccountsClient } from "../spotify/accounts-client.js";

/** Refresh when the access token has less than this left, so it cannot expire mid-analysis. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * A valid Spotify access token for a user. Refreshing happens under a row lock on the user's
 * credentials: when several workers need a token at once, one refreshes and the others, once the lock
 * is theirs, find the fresh token and use it. Rotated refresh tokens are stored (encrypted); when Spotify
 * sends none, the old one stays. A refused refresh token (invalid_grant) marks the credentials for
 * re-consent and fails with ReauthorizationRequiredError.
 */
export class TokenService {
  readonly #db: Database;
  readonly #cipher: TokenCipher;
  readonly #accounts: SpotifyAccountsClient;
  readonly #clock: Clock;

  constructor(dependencies: {
    db: Database;
    cipher: TokenCipher;
    accounts: SpotifyAccountsClient;
    clock: Clock;
  }) {
    this.#db = dependencies.db;
    this.#cipher = dependencies.cipher;
    this.#accounts = dependencies.accounts;
    this.#clock = dependencies.clock;
  }

  /**
   * `staleToken`: an access token Spotify just refused (401); a refresh is forced unless another caller
   * has already replaced it.
   */
  async accessToken(userId: string, options: { staleToken?: string } = {}): Promise<string> {
    const [row] = await this.#db
      .select()
      .from(spotifyCredentials)
      .where(eq(spotifyCredentials.userId, userId));
    if (!row)
      throw new ReauthorizationRequiredError("Spotify is not connected to this account. Sign in again.");
    if (row.reauthorizationRequiredAt) throw new ReauthorizationRequiredError();
    const current = this.#cipher.decrypt(row.accessTokenCiphertext, userId);
    if (this.#usable(row.accessTokenExpiresAt) && current !== options.staleToken) return current;

    const outcome = await this.#db.transaction(async (tx) => {
      const [locked] = await tx
        .select()
        .from(spotifyCredentials)
        .where(eq(spotifyCredentials.userId, userId))
        .for("update");
      if (!locked) return { kind: "missing" } as const;
      if (locked.reauthorizationRequiredAt) return { kind: "reauthorize" } as const;
      const lockedToken = this.#cipher.decrypt(locked.accessTokenCiphertext, userId);
      if (this.#usable(locked.accessTokenExpiresAt) && lockedToken !== options.staleToken) {
        return { kind: "fresh", token: lockedToken } as const; // another caller refreshed while we waited
      }
      try {
        const tokens = await this.#accounts.refresh(
          this.#cipher.decrypt(locked.refreshTokenCiphertext, userId),
        );
        await saveSpotifyTokens(tx, this.#cipher, this.#clock, userId, tokens, { consented: false });
        return { kind: "fresh", token: tokens.accessToken } as const;
      } catch (error) {
        if (error instanceof ReauthorizationRequiredError) return { kind: "refused", error } as const;
        throw error;
      }
    });

    switch (outcome.kind) {
      case "fresh":
        return outcome.token;
      case "missing":
        throw new ReauthorizationRequiredError("Spotify is not connected to this account. Sign in again.");
      case "reauthorize":
        throw new ReauthorizationRequiredError();
      case "refused":
        // Outside the transaction, so the mark is committed even though the refresh failed.
        await this.#db
          .update(spotifyCredentials)
          .set({ reauthorizationRequiredAt: this.#clock.now() })
          .where(eq(spotifyCredentials.userId, userId));
        throw outcome.error;
    }
  }

  #usable(expiresAt: Date): boolean {
    return expiresAt.getTime() - this.#clock.now().getTime() > REFRESH_MARGIN_MS;
  }
}

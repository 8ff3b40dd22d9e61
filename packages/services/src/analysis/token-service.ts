import { type Database, type SpotifyCredentials, spotifyCredentials } from "@unwrapped/db";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Logger } from "pino";
import { saveSpotifyTokens } from "../auth/spotify-credentials.js";
import type { Clock, Timers } from "../clock.js";
import type { TokenCipher } from "../crypto/token-cipher.js";
import { ReauthorizationRequiredError, UpstreamError } from "../errors.js";
import type { SpotifyAccountsClient } from "../spotify/accounts-client.js";

/** Refresh when the access token has less than this left, so it cannot expire mid-analysis. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * How long one refresh may hold the row's refresh lease. Longer than the accounts client's worst case
 * (its retries and timeouts), so a lease only runs out when its holder died.
 */
export const REFRESH_LEASE_MS = 60_000;

/** How long a caller waits for another one's refresh before giving up (retryable). */
const WAIT_FOR_OTHER_REFRESH_MS = 30_000;

export interface TokenServiceDependencies {
  readonly db: Database;
  readonly cipher: TokenCipher;
  readonly accounts: SpotifyAccountsClient;
  readonly clock: Clock;
  /** Waits between looks at a refresh another process is making. */
  readonly timers: Timers;
  /** Each refresh is logged at info (user id and new expiry, never a token). */
  readonly logger?: Logger;
}

/**
 * A valid Spotify access token for a user, refreshed when it expires within 5 minutes. When several
 * workers need a token at once, exactly one refreshes: it takes a lease on the user's credentials row
 * (`refresh_claimed_until`, set by one conditional UPDATE: a row lock held for one statement, not a
 * transaction held open across the call to Spotify, which would stall every query on PGlite), calls
 * Spotify, and writes the new tokens while releasing the lease. The others wait for the row to change
 * and use its token. Rotated refresh tokens are stored (encrypted); when Spotify sends none, the old
 * one stays. A refused refresh token (invalid_grant) marks the credentials for re-consent and fails
 * with ReauthorizationRequiredError.
 */
export class TokenService {
  readonly #db: Database;
  readonly #cipher: TokenCipher;
  readonly #accounts: SpotifyAccountsClient;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #logger: Logger | undefined;

  constructor(dependencies: TokenServiceDependencies) {
    this.#db = dependencies.db;
    this.#cipher = dependencies.cipher;
    this.#accounts = dependencies.accounts;
    this.#clock = dependencies.clock;
    this.#timers = dependencies.timers;
    this.#logger = dependencies.logger;
  }

  /**
   * `staleToken`: an access token Spotify just refused (401); a refresh is forced unless another caller
   * has already replaced it.
   */
  async accessToken(userId: string, options: { staleToken?: string } = {}): Promise<string> {
    const deadline = this.#clock.now().getTime() + WAIT_FOR_OTHER_REFRESH_MS;
    for (let wait = 25; ; wait = Math.min(wait * 2, 500)) {
      const row = await this.#read(userId);
      const current = this.#cipher.decrypt(row.accessTokenCiphertext, userId);
      if (this.#usable(row.accessTokenExpiresAt) && current !== options.staleToken) return current;

      const claimed = await this.#claimRefresh(userId);
      if (claimed) {
        const fresher = this.#cipher.decrypt(claimed.accessTokenCiphertext, userId);
        if (
          fresher !== current &&
          fresher !== options.staleToken &&
          this.#usable(claimed.accessTokenExpiresAt)
        ) {
          // Another process refreshed between our read and our claim: use its token.
          await this.#releaseLease(userId);
          return fresher;
        }
        return this.#refresh(userId, claimed);
      }

      // Another process is refreshing right now: wait for it to write the new token.
      if (this.#clock.now().getTime() > deadline) {
        throw new UpstreamError("Refreshing the Spotify access token is taking too long", {
          retryable: true,
        });
      }
      await this.#timers.sleep(wait);
    }
  }

  async #read(userId: string): Promise<SpotifyCredentials> {
    const [row] = await this.#db
      .select()
      .from(spotifyCredentials)
      .where(eq(spotifyCredentials.userId, userId));
    if (!row)
      throw new ReauthorizationRequiredError("Spotify is not connected to this account. Sign in again.");
    if (row.reauthorizationRequiredAt) throw new ReauthorizationRequiredError();
    return row;
  }

  /** Takes the row's refresh lease if nobody holds it; the row as it is under the lease, else undefined. */
  async #claimRefresh(userId: string): Promise<SpotifyCredentials | undefined> {
    const now = this.#clock.now();
    const [claimed] = await this.#db
      .update(spotifyCredentials)
      .set({ refreshClaimedUntil: new Date(now.getTime() + REFRESH_LEASE_MS) })
      .where(
        and(
          eq(spotifyCredentials.userId, userId),
          isNull(spotifyCredentials.reauthorizationRequiredAt),
          or(isNull(spotifyCredentials.refreshClaimedUntil), lt(spotifyCredentials.refreshClaimedUntil, now)),
        ),
      )
      .returning();
    return claimed;
  }

  /** Refreshes under the lease; writing the new tokens releases it (saveSpotifyTokens clears it). */
  async #refresh(userId: string, claimed: SpotifyCredentials): Promise<string> {
    try {
      const refreshToken = this.#cipher.decrypt(claimed.refreshTokenCiphertext, userId);
      const tokens = await this.#accounts.refresh(refreshToken);
      await saveSpotifyTokens(this.#db, this.#cipher, this.#clock, userId, tokens, { consented: false });
      this.#logger?.info(
        {
          userId,
          accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
          refreshTokenRotated: tokens.refreshToken !== refreshToken,
        },
        "refreshed the Spotify access token",
      );
      return tokens.accessToken;
    } catch (error) {
      await this.#releaseLease(userId, error instanceof ReauthorizationRequiredError);
      throw error;
    }
  }

  async #releaseLease(userId: string, reauthorizationRequired = false): Promise<void> {
    await this.#db
      .update(spotifyCredentials)
      .set({
        refreshClaimedUntil: null,
        ...(reauthorizationRequired ? { reauthorizationRequiredAt: this.#clock.now() } : {}),
      })
      .where(eq(spotifyCredentials.userId, userId));
  }

  #usable(expiresAt: Date): boolean {
    return expiresAt.getTime() - this.#clock.now().getTime() > REFRESH_MARGIN_MS;
  }
}

import { type Database, spotifyCredentials } from "@unwrapped/db";
import { eq } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { TokenCipher } from "../crypto/token-cipher.js";
import type { SpotifyTokens } from "../spotify/accounts-client.js";

/**
 * Writes a user's Spotify tokens, encrypted with the user id as associated data. `consented` marks a
 * fresh sign-in: the six-month refresh-token clock restarts and any re-consent flag clears.
 */
export async function saveSpotifyTokens(
  db: Database,
  cipher: TokenCipher,
  clock: Clock,
  userId: string,
  tokens: SpotifyTokens,
  options: { consented: boolean },
): Promise<void> {
  const now = clock.now();
  const encrypted = {
    accessTokenCiphertext: cipher.encrypt(tokens.accessToken, userId),
    refreshTokenCiphertext: cipher.encrypt(tokens.refreshToken, userId),
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    scope: tokens.scope,
    // New tokens end any refresh in progress (TokenService's lease).
    refreshClaimedUntil: null,
    updatedAt: now,
  };
  if (options.consented) {
    await db
      .insert(spotifyCredentials)
      .values({ userId, ...encrypted, consentedAt: now, reauthorizationRequiredAt: null })
      .onConflictDoUpdate({
        target: spotifyCredentials.userId,
        set: { ...encrypted, consentedAt: now, reauthorizationRequiredAt: null },
      });
  } else {
    await db.update(spotifyCredentials).set(encrypted).where(eq(spotifyCredentials.userId, userId));
  }
}

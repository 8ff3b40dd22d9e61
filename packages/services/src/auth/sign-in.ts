import { type Database, oauthStates } from "@unwrapped/db";
import { and, eq, isNull } from "drizzle-orm";
import type { Logger } from "pino";
import { addSeconds, type Clock } from "../clock.js";
import { randomToken } from "../crypto/random-token.js";
import type { TokenCipher } from "../crypto/token-cipher.js";
import { AppError, SpotifyUserNotRegisteredError, UpstreamError, ValidationError } from "../errors.js";
import type { SpotifyAccountsClient } from "../spotify/accounts-client.js";
import { createPkcePair } from "./pkce.js";
import { isAllowedRedirect, withQuery } from "./redirect-allow-list.js";
import type { SessionService } from "./sessions.js";
import { saveSpotifyTokens } from "./spotify-credentials.js";
import { upsertUserFromProfile } from "./users.js";

export const OAUTH_STATE_TTL_SECONDS = 10 * 60;

/** The `error=` codes a failed sign-in hands back to redirect_to. */
export type SignInErrorCode =
  | "invalid_state"
  | "expired_state"
  | "access_denied"
  | "invalid_request"
  | "spotify_unavailable"
  | "spotify_refused"
  /** A development-mode app whose owner has not added this Spotify user (at most five). */
  | "spotify_user_not_registered"
  | "server_error";

export interface SignInDependencies {
  readonly db: Database;
  readonly clock: Clock;
  readonly accounts: SpotifyAccountsClient;
  readonly sessions: SessionService;
  readonly cipher: TokenCipher;
  readonly logger: Logger;
  /** APP_URL: the default redirect_to and the allow-listed origin. */
  readonly appUrl: string;
}

/**
 * Sign-in with Spotify (authorization code + PKCE). `begin` stores a random single-use state with the
 * PKCE verifier and where to return; `complete` consumes it, exchanges the code, links the user, keeps
 * their Spotify tokens encrypted and returns the browser to redirect_to with a one-time login code.
 * Every failure returns the browser with `?error=<code>`; tokens never appear in a URL.
 */
export class SignInService {
  readonly #deps: SignInDependencies;

  constructor(dependencies: SignInDependencies) {
    this.#deps = dependencies;
  }

  /** Returns the Spotify authorize URL to redirect to. Throws ValidationError for a foreign redirect_to. */
  async begin(redirectTo: string | undefined): Promise<string> {
    const target = redirectTo ?? this.#deps.appUrl;
    if (!isAllowedRedirect(target, this.#deps.appUrl)) {
      throw new ValidationError(
        "redirect_to must be on this app's origin or a loopback address (http://127.0.0.1:<port>/...).",
      );
    }
    const now = this.#deps.clock.now();
    const state = randomToken(32);
    const pkce = createPkcePair();
    await this.#deps.db.insert(oauthStates).values({
      state,
      codeVerifier: pkce.verifier,
      redirectTo: target,
      createdAt: now,
      expiresAt: addSeconds(now, OAUTH_STATE_TTL_SECONDS),
    });
    return this.#deps.accounts.authorizeUrl({ state, codeChallenge: pkce.challenge });
  }

  /** Handles Spotify's redirect back; returns where to send the browser next. */
  async complete(query: {
    code?: string | undefined;
    state?: string | undefined;
    error?: string | undefined;
  }): Promise<string> {
    const { db, clock, appUrl, logger } = this.#deps;
    const now = clock.now();
    if (!query.state) return withQuery(appUrl, { error: "invalid_state" });

    const [state] = await db
      .update(oauthStates)
      .set({ consumedAt: now })
      .where(and(eq(oauthStates.state, query.state), isNull(oauthStates.consumedAt)))
      .returning();
    if (!state) return withQuery(appUrl, { error: "invalid_state" });
    const fail = (error: SignInErrorCode) => withQuery(state.redirectTo, { error });
    if (state.expiresAt <= now) return fail("expired_state");
    if (query.error) return fail(query.error === "access_denied" ? "access_denied" : "spotify_refused");
    if (!query.code) return fail("invalid_request");

    try {
      const tokens = await this.#deps.accounts.exchangeCode({
        code: query.code,
        codeVerifier: state.codeVerifier,
      });
      const profile = await this.#deps.accounts.getProfile(tokens.accessToken);
      const loginCode = await db.transaction(async (tx) => {
        const user = await upsertUserFromProfile(tx, profile, clock);
        await saveSpotifyTokens(tx, this.#deps.cipher, clock, user.id, tokens, { consented: true });
        return this.#deps.sessions.createLoginCode(user.id, tx);
      });
      return withQuery(state.redirectTo, { login_code: loginCode });
    } catch (error) {
      logger.warn({ err: error }, "Spotify sign-in failed");
      if (error instanceof SpotifyUserNotRegisteredError) return fail("spotify_user_not_registered");
      if (error instanceof UpstreamError)
        return fail(error.retryable ? "spotify_unavailable" : "spotify_refused");
      if (error instanceof AppError) return fail("spotify_refused");
      return fail("server_error");
    }
  }
}

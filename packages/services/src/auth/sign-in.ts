import { createHash, timingSafeEqual } from "node:crypto";
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

/** What the sign-in start hands the route: where to send the browser, and the value to bind it with. */
export interface SignInStart {
  readonly authorizeUrl: string;
  /** The state's browser binding: the route keeps it in a short-lived HttpOnly cookie (signInCookie). */
  readonly binding: string;
}

/**
 * The value binding a sign-in's state to the browser that started it (RFC 9700 §4.7 login CSRF): derived
 * from the state, kept in the starting browser's cookie and compared at the callback. A callback URL sent
 * to someone else arrives without it.
 */
export function signInBinding(state: string): string {
  return createHash("sha256").update(`unwrapped sign-in binding\u0000${state}`).digest("base64url");
}

/** The cookie carrying a binding: one per started sign-in, so two tabs signing in do not collide. */
export function signInCookieName(binding: string): string {
  return `unwrapped_sign_in_${binding.slice(0, 16)}`;
}

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

  /**
   * Returns the Spotify authorize URL to redirect to and the state's browser binding. Throws
   * ValidationError for a foreign redirect_to.
   */
  async begin(redirectTo: string | undefined): Promise<SignInStart> {
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
    return {
      authorizeUrl: this.#deps.accounts.authorizeUrl({ state, codeChallenge: pkce.challenge }),
      binding: signInBinding(state),
    };
  }

  /**
   * Handles Spotify's redirect back; returns where to send the browser next. `binding` is what the
   * browser's sign-in cookie holds for this state: without the one `begin` made, the state is spent and
   * the browser gets `error=invalid_state`, no login code (a callback opened by another client).
   */
  async complete(
    query: {
      code?: string | undefined;
      state?: string | undefined;
      error?: string | undefined;
    },
    binding: string | undefined,
  ): Promise<string> {
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
    if (!sameBinding(binding, signInBinding(state.state))) {
      logger.warn("sign-in callback without the starting browser's binding: refused");
      return fail("invalid_state");
    }
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

function sameBinding(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { TRPCClientError } from "@trpc/client";
import { isUnwrappedClientError, sessionEndedError } from "./errors.js";
import type { AppRouter, RouterOutputs } from "./router-types.js";

/** What auth.exchange and auth.refresh return: a session's tokens and its user. */
export type SessionTokens = RouterOutputs["auth"]["refresh"];

type MaybePromise<T> = T | Promise<T>;

export interface SessionOptions {
  /** The access token to send (a fixed value; see `getAccessToken` for one kept elsewhere). */
  readonly accessToken?: string | null | undefined;
  /**
   * Reads the access token before each request, for callers that keep it in a store of their own. If it
   * returns a token this client has already replaced by refreshing, the replacement is sent instead.
   */
  readonly getAccessToken?: (() => MaybePromise<string | null | undefined>) | undefined;
  /** Lets the client refresh an expired access token by itself (auth.refresh), once per failed call. */
  readonly refreshToken?: string | null | undefined;
  /**
   * Renews the session without a refresh token in JavaScript — a browser app whose refresh token is an
   * HttpOnly cookie calls `POST /auth/session/refresh` here. Resolves to the new access token, or null
   * when the session has ended. Used instead of auth.refresh when no `refreshToken` is given.
   */
  readonly renew?: (() => Promise<string | null>) | undefined;
  /** Receives rotated tokens after each refresh: persist them, the old refresh token no longer works. */
  readonly onTokens?: ((tokens: SessionTokens) => MaybePromise<void>) | undefined;
  /** Called once when a refresh is refused: the session is over and the user must sign in again. */
  readonly onSessionEnded?: ((error: Error) => void) | undefined;
}

/**
 * The tokens one client sends, and the single refresh they share: however many calls fail with an
 * expired access token at once, auth.refresh runs once (a second refresh with the same refresh token
 * would be taken for token theft and end the session), and they all retry with its result.
 */
export class TokenSession {
  readonly #options: SessionOptions;
  readonly #refresh: (refreshToken: string) => Promise<SessionTokens>;
  #accessToken: string | null;
  #refreshToken: string | null;
  /** Access tokens this session refreshed away from; `getAccessToken` may still hand them out. */
  readonly #replaced = new Set<string>();
  /** Counts successful refreshes, so a call knows whether the token it was sent with is still current. */
  #generation = 0;
  #refreshing: Promise<void> | null = null;
  #ended: Error | null = null;

  constructor(options: SessionOptions, refresh: (refreshToken: string) => Promise<SessionTokens>) {
    this.#options = options;
    this.#refresh = refresh;
    this.#accessToken = options.accessToken ?? null;
    this.#refreshToken = options.refreshToken ?? null;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Whether an expired access token is this session's to handle: it can refresh, or knows it ended. */
  get handlesExpiredTokens(): boolean {
    return this.#refreshToken !== null || this.#options.renew !== undefined || this.#ended !== null;
  }

  async accessToken(): Promise<string | null> {
    if (!this.#options.getAccessToken) return this.#accessToken;
    const external = (await this.#options.getAccessToken()) ?? null;
    return external !== null && this.#replaced.has(external) ? this.#accessToken : external;
  }

  /**
   * Refreshes after a call sent in `generation` found its access token expired. Resolves at once if a
   * refresh already happened since then, joins one in flight, and otherwise starts it.
   */
  refreshAfterExpiry(generation: number): Promise<void> {
    if (this.#ended) return Promise.reject(this.#ended);
    if (generation !== this.#generation) return Promise.resolve();
    this.#refreshing ??= this.#rotate().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #rotate(): Promise<void> {
    const refreshToken = this.#refreshToken;
    const renew = this.#options.renew;
    if (!refreshToken && renew) return this.#renew(renew);
    if (!refreshToken) throw new Error("No refresh token: sign in again.");
    const expired = await this.accessToken();
    let tokens: SessionTokens;
    try {
      tokens = await this.#refresh(refreshToken);
    } catch (error) {
      if (isUnwrappedClientError(error) && error.data?.code === "UNAUTHORIZED") {
        const ended = sessionEndedError(error);
        this.#ended = ended;
        this.#accessToken = null;
        this.#refreshToken = null;
        this.#options.onSessionEnded?.(ended);
        throw ended;
      }
      throw error;
    }
    this.#replace(expired, tokens.accessToken);
    this.#refreshToken = tokens.refreshToken;
    await this.#options.onTokens?.(tokens);
  }

  async #renew(renew: () => Promise<string | null>): Promise<void> {
    const expired = await this.accessToken();
    const accessToken = await renew();
    if (accessToken === null) {
      const ended = new TRPCClientError<AppRouter>("Your session has ended. Sign in again.", {
        meta: { sessionEnded: true },
      });
      this.#ended = ended;
      this.#accessToken = null;
      this.#options.onSessionEnded?.(ended);
      throw ended;
    }
    this.#replace(expired, accessToken);
  }

  #replace(expired: string | null, accessToken: string): void {
    if (expired) {
      this.#replaced.add(expired);
      // Only recent tokens can still come back from a store; keep a handful, oldest out first.
      for (const old of this.#replaced) if (this.#replaced.size > 8) this.#replaced.delete(old);
    }
    this.#accessToken = accessToken;
    this.#generation++;
  }
}

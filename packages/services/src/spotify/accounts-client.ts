import { z } from "zod";
import type { Clock } from "../clock.js";
import { ReauthorizationRequiredError, UpstreamError } from "../errors.js";
import {
  defaultHttpDependencies,
  fetchWithRetry,
  type HttpDependencies,
  type RetryPolicy,
  readJson,
} from "../http/retry.js";
import { getWebApi, parseUpstream } from "./web-api-request.js";
import { SpotifyProfile } from "./web-api-schemas.js";

/** The scopes API.md fixes for sign-in. */
export const SPOTIFY_SCOPES = [
  "user-top-read",
  "user-read-recently-played",
  "user-read-email",
  "user-read-private",
] as const;

export interface SpotifyAccountsSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** https://accounts.spotify.com, or the sandbox's /accounts. */
  readonly accountsUrl: string;
  /** https://api.spotify.com, or the sandbox's /api (for /v1/me). */
  readonly apiUrl: string;
  readonly redirectUri: string;
}

export interface SpotifyTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly scope: string;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().default(""),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
});

const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * Spotify's accounts service: the authorize URL, the code exchange (with the PKCE verifier), refresh,
 * and the signed-in user's profile (/v1/me). Timeouts, retries and Retry-After come from fetchWithRetry;
 * every answer is validated before use.
 */
export class SpotifyAccountsClient {
  readonly #settings: SpotifyAccountsSettings;
  readonly #clock: Clock;
  readonly #http: HttpDependencies;
  readonly #policy: RetryPolicy | undefined;

  constructor(
    settings: SpotifyAccountsSettings,
    options: { clock: Clock; http?: HttpDependencies; policy?: RetryPolicy },
  ) {
    this.#settings = settings;
    this.#clock = options.clock;
    this.#http = options.http ?? defaultHttpDependencies;
    this.#policy = options.policy;
  }

  authorizeUrl(input: { state: string; codeChallenge: string }): string {
    const url = new URL(`${this.#settings.accountsUrl}/authorize`);
    url.search = new URLSearchParams({
      client_id: this.#settings.clientId,
      response_type: "code",
      redirect_uri: this.#settings.redirectUri,
      state: input.state,
      scope: SPOTIFY_SCOPES.join(" "),
      code_challenge_method: "S256",
      code_challenge: input.codeChallenge,
    }).toString();
    return url.toString();
  }

  async exchangeCode(input: { code: string; codeVerifier: string }): Promise<SpotifyTokens> {
    const body = await this.#token(
      {
        grant_type: "authorization_code",
        code: input.code,
        redirect_uri: this.#settings.redirectUri,
        code_verifier: input.codeVerifier,
      },
      "Spotify sign-in",
    );
    if (!body.refresh_token) {
      throw new UpstreamError("Spotify sign-in returned no refresh token", { retryable: false });
    }
    return this.#tokens(body, body.refresh_token);
  }

  /**
   * Trades a refresh token for a new access token. Spotify may rotate the refresh token; when it sends
   * none, the old one stays valid and is returned. A refused refresh token (invalid_grant: expired six
   * months after consent, or revoked) is final: ReauthorizationRequiredError.
   */
  async refresh(refreshToken: string): Promise<SpotifyTokens> {
    const body = await this.#token(
      { grant_type: "refresh_token", refresh_token: refreshToken },
      "Spotify token refresh",
    );
    return this.#tokens(body, body.refresh_token ?? refreshToken);
  }

  getProfile(accessToken: string): Promise<SpotifyProfile> {
    return getWebApi({
      url: `${this.#settings.apiUrl}/v1/me`,
      accessToken,
      schema: SpotifyProfile,
      description: "Spotify profile",
      http: this.#http,
      policy: this.#policy,
    });
  }

  async #token(form: Record<string, string>, description: string): Promise<z.infer<typeof TokenResponse>> {
    const credentials = Buffer.from(`${this.#settings.clientId}:${this.#settings.clientSecret}`).toString(
      "base64",
    );
    const response = await fetchWithRetry(
      `${this.#settings.accountsUrl}/api/token`,
      {
        method: "POST",
        headers: {
          authorization: `Basic ${credentials}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams(form).toString(),
      },
      { description, ...(this.#policy ? { policy: this.#policy } : {}) },
      this.#http,
    );
    const json = await readJson(response, description);
    if (!response.ok) {
      const error = OAuthErrorBody.safeParse(json);
      const reason = error.success ? error.data.error : `HTTP ${response.status}`;
      if (error.success && error.data.error === "invalid_grant" && form.grant_type === "refresh_token") {
        throw new ReauthorizationRequiredError(undefined, {
          cause: new Error(error.data.error_description ?? reason),
        });
      }
      throw new UpstreamError(`${description} was refused by Spotify (${reason})`, {
        retryable: false,
        status: response.status,
        cause: new Error(error.success ? (error.data.error_description ?? reason) : reason),
      });
    }
    return parseUpstream(TokenResponse, json, description);
  }

  #tokens(body: z.infer<typeof TokenResponse>, refreshToken: string): SpotifyTokens {
    return {
      accessToken: body.access_token,
      refreshToken,
      accessTokenExpiresAt: new Date(this.#clock.now().getTime() + body.expires_in * 1000),
      scope: body.scope,
    };
  }
}

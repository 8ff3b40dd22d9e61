import type { Logger } from "pino";
import { z } from "zod";
import type { Clock } from "../clock.js";
import { ReauthorizationRequiredError, UpstreamError } from "../errors.js";
import { defaultHttpDependencies, type HttpDependencies, type RetryPolicy } from "../http/retry.js";
import { postTokenRequest } from "./token-request.js";
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

/** Spotify's documented access token lifetime, assumed when a token response has no expires_in. */
export const DEFAULT_EXPIRES_IN_SECONDS = 3600;

/** RFC 6749 §5.1: expires_in is only RECOMMENDED, so it may be absent. */
const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  scope: z.string().default(""),
  expires_in: z.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});

/**
 * The HTTP Basic credentials of RFC 6749 §2.3.1: client id and secret are each encoded with
 * application/x-www-form-urlencoded (Appendix B, UTF-8) before they are joined with ":" and base64-encoded,
 * so a secret holding "+", "%", ":" or non-ASCII characters reaches the server as it is.
 */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const formEncoded = (value: string) => new URLSearchParams([["", value]]).toString().slice(1);
  return Buffer.from(`${formEncoded(clientId)}:${formEncoded(clientSecret)}`, "utf8").toString("base64");
}

const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * Spotify's accounts service: the authorize URL, the code exchange (with the PKCE verifier), refresh,
 * and the signed-in user's profile (/v1/me). Token requests are retried only when they cannot have
 * taken effect (postTokenRequest); the profile read goes through fetchWithRetry. Every answer is
 * validated before use.
 */
export class SpotifyAccountsClient {
  readonly #settings: SpotifyAccountsSettings;
  readonly #clock: Clock;
  readonly #http: HttpDependencies;
  readonly #policy: RetryPolicy | undefined;
  readonly #logger: Logger | undefined;
  #warnedNoExpiresIn = false;

  constructor(
    settings: SpotifyAccountsSettings,
    options: {
      clock: Clock;
      http?: HttpDependencies | undefined;
      policy?: RetryPolicy;
      logger?: Logger | undefined;
    },
  ) {
    this.#settings = settings;
    this.#clock = options.clock;
    this.#http = options.http ?? defaultHttpDependencies;
    this.#policy = options.policy;
    this.#logger = options.logger;
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
    const answer = await postTokenRequest(
      `${this.#settings.accountsUrl}/api/token`,
      {
        method: "POST",
        headers: {
          authorization: `Basic ${basicCredentials(this.#settings.clientId, this.#settings.clientSecret)}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams(form).toString(),
      },
      { description, policy: this.#policy },
      this.#http,
    );
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch (cause) {
      throw new UpstreamError(`${description} returned a malformed response`, {
        cause,
        retryable: false,
        status: answer.status,
      });
    }
    if (answer.status < 200 || answer.status >= 300) {
      const error = OAuthErrorBody.safeParse(json);
      const reason = error.success ? error.data.error : `HTTP ${answer.status}`;
      if (error.success && error.data.error === "invalid_grant" && form.grant_type === "refresh_token") {
        throw new ReauthorizationRequiredError(undefined, {
          cause: new Error(error.data.error_description ?? reason),
        });
      }
      throw new UpstreamError(`${description} was refused by Spotify (${reason})`, {
        retryable: false,
        status: answer.status,
        cause: new Error(error.success ? (error.data.error_description ?? reason) : reason),
      });
    }
    return parseUpstream(TokenResponse, json, description);
  }

  #tokens(body: z.infer<typeof TokenResponse>, refreshToken: string): SpotifyTokens {
    if (body.expires_in === undefined && !this.#warnedNoExpiresIn) {
      this.#warnedNoExpiresIn = true;
      this.#logger?.warn(
        { assumedExpiresInSeconds: DEFAULT_EXPIRES_IN_SECONDS },
        "Spotify token response has no expires_in; assuming Spotify's documented lifetime",
      );
    }
    const expiresIn = body.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS;
    return {
      accessToken: body.access_token,
      refreshToken,
      accessTokenExpiresAt: new Date(this.#clock.now().getTime() + expiresIn * 1000),
      scope: body.scope,
    };
  }
}

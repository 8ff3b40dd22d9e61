export interface SandboxOptions {
  clientId: string;
  clientSecret: string;
  /** ms added to every Web API (/api/...) response. Default 0. */
  latencyMs?: number;
  /**
   * Behave as a development-mode app: serve the development-mode shapes (no popularity, no followers on
   * artists; /v1/me without email, country, product, explicit_content, followers) and admit at most five
   * distinct listeners per client to the Web API; the sixth gets Spotify's 403 for a user the app owner
   * has not added. Default false.
   */
  developmentMode?: boolean;
  /** Access token lifetime in seconds (expires_in), default 3600 as Spotify's. */
  accessTokenTtlSeconds?: number;
  /** Leave expires_in out of token responses (RFC 6749 §5.1 only recommends it). Default false. */
  omitExpiresIn?: boolean;
  /**
   * Whether a refresh_token grant returns a new refresh token (and the one presented stops working):
   * "sometimes" (default: every second refresh of a grant rotates, so clients meet answers with and
   * without one, as Spotify may send either), "always", or "off" (never; the old token keeps working).
   */
  refreshTokenRotation?: RefreshTokenRotation;
  /**
   * Reuse detection: presenting a refresh token that was rotated away revokes the whole grant (every
   * refresh and access token of that consent), as servers following the OAuth security BCP do. Default false.
   */
  refreshTokenReuseDetection?: boolean;
  /** Refresh tokens expire this long after the user's consent (Spotify: 6 months). Default 182 days. */
  refreshTokenLifetimeSeconds?: number;
  /** Clock in ms since epoch, for tests. Default Date.now. */
  now?: () => number;
  /** Waits out the Web API latency, for tests that hold or release responses. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The redirect URIs registered for the client, as in Spotify's dashboard: /authorize refuses any
   * other. Unset: any absolute http(s) URI is accepted (convenient in tests; never on a public host,
   * where it would make the sandbox an open redirect).
   */
  redirectUris?: readonly string[];
}

export type RefreshTokenRotation = "off" | "sometimes" | "always";
export const REFRESH_TOKEN_ROTATIONS: readonly RefreshTokenRotation[] = ["off", "sometimes", "always"];

/** The options in force; the controls change some of them at run time, and reset() restores the originals. */
export interface SandboxSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[] | null;
  latencyMs: number;
  developmentMode: boolean;
  accessTokenTtlSeconds: number;
  omitExpiresIn: boolean;
  refreshTokenRotation: RefreshTokenRotation;
  refreshTokenReuseDetection: boolean;
  refreshTokenLifetimeSeconds: number;
}

const DAY_SECONDS = 24 * 60 * 60;

export function requireNonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

export function requirePositiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

export function requireRotation(value: string): RefreshTokenRotation {
  const rotation = REFRESH_TOKEN_ROTATIONS.find((candidate) => candidate === value);
  if (!rotation)
    throw new RangeError(`refreshTokenRotation must be one of ${REFRESH_TOKEN_ROTATIONS.join(", ")}`);
  return rotation;
}

export function settingsFrom(options: SandboxOptions): SandboxSettings {
  if (!options.clientId) throw new RangeError("clientId must not be empty");
  if (!options.clientSecret) throw new RangeError("clientSecret must not be empty");
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: options.redirectUris ? [...options.redirectUris] : null,
    latencyMs: requireNonNegativeInteger(options.latencyMs ?? 0, "latencyMs"),
    developmentMode: options.developmentMode ?? false,
    accessTokenTtlSeconds: requirePositiveInteger(
      options.accessTokenTtlSeconds ?? 3600,
      "accessTokenTtlSeconds",
    ),
    omitExpiresIn: options.omitExpiresIn ?? false,
    refreshTokenRotation: requireRotation(options.refreshTokenRotation ?? "sometimes"),
    refreshTokenReuseDetection: options.refreshTokenReuseDetection ?? false,
    refreshTokenLifetimeSeconds: requirePositiveInteger(
      options.refreshTokenLifetimeSeconds ?? 182 * DAY_SECONDS,
      "refreshTokenLifetimeSeconds",
    ),
  };
}

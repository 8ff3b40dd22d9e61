export interface SandboxOptions {
  clientId: string;
  clientSecret: string;
  /** ms added to every Web API (/api/...) response. Default 0. */
  latencyMs?: number;
  /** Serve the development-mode shapes (no popularity, no followers on artists; /v1/me without email, country, product, explicit_content, followers). Default false. */
  developmentMode?: boolean;
  /** Access token lifetime, default 3600 (expires_in). */
  accessTokenTtlSeconds?: number;
  /** When true every refresh_token grant returns a new refresh_token and the old one stops working; when false (default) the response has no refresh_token field and the old one keeps working. */
  rotateRefreshTokens?: boolean;
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

/** The options in force; the controls change some of them at run time, and reset() restores the originals. */
export interface SandboxSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[] | null;
  latencyMs: number;
  developmentMode: boolean;
  accessTokenTtlSeconds: number;
  rotateRefreshTokens: boolean;
  refreshTokenLifetimeSeconds: number;
}

const DAY_SECONDS = 24 * 60 * 60;

export function requireNonNegativeInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

function requirePositiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
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
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    refreshTokenLifetimeSeconds: requirePositiveInteger(
      options.refreshTokenLifetimeSeconds ?? 182 * DAY_SECONDS,
      "refreshTokenLifetimeSeconds",
    ),
  };
}

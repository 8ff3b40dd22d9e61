import { randomBytes } from "node:crypto";

/** What a user approved: which app, as which persona, with which scopes, and when. */
export interface Grant {
  readonly clientId: string;
  readonly personaId: string;
  readonly scopes: readonly string[];
  /** The code came with a PKCE challenge, so the app may later refresh without its secret. */
  readonly pkce: boolean;
  /** Clock ms of the consent; refresh tokens expire a fixed time after it, however often they are used. */
  readonly consentedAt: number;
}

export interface PendingCode {
  readonly grant: Grant;
  readonly redirectUri: string;
  readonly codeChallenge: string | null;
  readonly expiresAt: number;
}

export type AccessTokenLookup =
  | { readonly status: "valid"; readonly grant: Grant }
  | { readonly status: "expired" }
  | { readonly status: "unknown" };

export type RefreshTokenLookup =
  | { readonly status: "valid"; readonly grant: Grant }
  /** Replaced by a newer refresh token of the same grant. */
  | { readonly status: "rotated"; readonly grant: Grant }
  | { readonly status: "revoked" }
  | { readonly status: "expired" }
  | { readonly status: "unknown" };

interface AccessTokenRecord {
  readonly grant: Grant;
  expiresAt: number;
}

interface RefreshTokenRecord {
  readonly grant: Grant;
  /** A rotated-away token is kept, so that presenting it again can be recognised (reuse detection). */
  state: "active" | "rotated" | "revoked";
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** Expired access tokens are remembered this long so their use still says "expired", not "invalid". */
const EXPIRED_TOKEN_MEMORY_MS = 24 * 60 * 60 * 1000;
/** Housekeeping runs once per this many issued tokens, keeping long demo and load-test runs bounded. */
const SWEEP_INTERVAL = 1000;

/** Opaque, unguessable tokens, shaped like Spotify's ("BQ…" access tokens, "AQ…" codes and refresh tokens). */
function opaqueToken(prefix: "AQ" | "BQ"): string {
  return `${prefix}${randomBytes(48).toString("base64url")}`;
}

/**
 * Authorization codes, access tokens and refresh tokens, with the lifetimes and rules of Spotify's accounts
 * service: codes are single use and short-lived, refresh tokens die a fixed time after consent.
 */
export class TokenStore {
  readonly #now: () => number;
  readonly #codes = new Map<string, PendingCode>();
  readonly #accessTokens = new Map<string, AccessTokenRecord>();
  readonly #refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Grants revoked as a whole (reuse detection): none of their tokens work any more. */
  readonly #revokedGrants = new WeakSet<Grant>();
  /** Refresh grants answered per consent, for rotating only some of them. */
  readonly #refreshCounts = new WeakMap<Grant, number>();
  #issuedSinceSweep = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  issueCode(grant: Grant, redirectUri: string, codeChallenge: string | null): string {
    this.#countIssue();
    const code = opaqueToken("AQ");
    this.#codes.set(code, { grant, redirectUri, codeChallenge, expiresAt: this.#now() + CODE_LIFETIME_MS });
    return code;
  }

  /** A code that exists and has not expired; it stays usable until redeemed. */
  findCode(code: string): PendingCode | undefined {
    const pending = this.#codes.get(code);
    if (!pending) return undefined;
    if (this.#now() >= pending.expiresAt) {
      this.#codes.delete(code);
      return undefined;
    }
    return pending;
  }

  redeemCode(code: string): void {
    this.#codes.delete(code);
  }

  issueAccessToken(grant: Grant, lifetimeSeconds: number): string {
    this.#countIssue();
    const token = opaqueToken("BQ");
    this.#accessTokens.set(token, { grant, expiresAt: this.#now() + lifetimeSeconds * 1000 });
    return token;
  }

  findAccessToken(token: string): AccessTokenLookup {
    const record = this.#accessTokens.get(token);
    if (!record || this.#revokedGrants.has(record.grant)) return { status: "unknown" };
    if (this.#now() >= record.expiresAt) return { status: "expired" };
    return { status: "valid", grant: record.grant };
  }

  issueRefreshToken(grant: Grant): string {
    this.#countIssue();
    const token = opaqueToken("AQ");
    this.#refreshTokens.set(token, { grant, state: "active" });
    return token;
  }

  findRefreshToken(token: string, lifetimeSeconds: number): RefreshTokenLookup {
    const record = this.#refreshTokens.get(token);
    if (!record) return { status: "unknown" };
    if (record.state === "revoked" || this.#revokedGrants.has(record.grant)) return { status: "revoked" };
    if (record.state === "rotated") return { status: "rotated", grant: record.grant };
    if (this.#now() >= record.grant.consentedAt + lifetimeSeconds * 1000) return { status: "expired" };
    return { status: "valid", grant: record.grant };
  }

  /** Counts one more refresh of `grant`; returns how many there have been, this one included. */
  countRefresh(grant: Grant): number {
    const count = (this.#refreshCounts.get(grant) ?? 0) + 1;
    this.#refreshCounts.set(grant, count);
    return count;
  }

  /** The old token stops working; the new one keeps the original consent time. */
  rotateRefreshToken(oldToken: string, grant: Grant): string {
    const old = this.#refreshTokens.get(oldToken);
    if (old) old.state = "rotated";
    return this.issueRefreshToken(grant);
  }

  /** Every token of this consent stops working: its refresh tokens and its access tokens. */
  revokeGrant(grant: Grant): void {
    this.#revokedGrants.add(grant);
  }

  expireAllAccessTokens(): void {
    const now = this.#now();
    for (const record of this.#accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  revokeAllRefreshTokens(): void {
    for (const record of this.#refreshTokens.values()) record.state = "revoked";
  }

  #countIssue(): void {
    this.#issuedSinceSweep++;
    if (this.#issuedSinceSweep < SWEEP_INTERVAL) return;
    this.#issuedSinceSweep = 0;
    const now = this.#now();
    for (const [code, pending] of this.#codes) if (now >= pending.expiresAt) this.#codes.delete(code);
    for (const [token, record] of this.#accessTokens) {
      if (now >= record.expiresAt + EXPIRED_TOKEN_MEMORY_MS) this.#accessTokens.delete(token);
    }
  }
}

import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Clock } from "../clock.js";
import { UnauthenticatedError } from "../errors.js";
import { isUuid } from "../validation.js";
import type { RevocationList } from "./revocation-list.js";

export interface AccessTokenSettings {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

/** Who a verified access token speaks for. */
export interface AccessTokenClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly expiresAt: Date;
}

const ALGORITHM = "HS256";

/** How far in the future an `iat` may lie (clock skew between our processes). */
export const ISSUED_AT_LEEWAY_SECONDS = 60;

/** What verification consults besides the signature: the revocation list and, once per token, the session. */
export interface AccessTokenChecks {
  readonly revocations: RevocationList;
  /** Whether the session family still exists, unrevoked, for this user (so the user exists too). */
  readonly sessionIsLive: (familyId: string, userId: string) => Promise<boolean>;
}

/** Verified tokens remembered, so a client's repeated calls do not pay for HMAC verification each time. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Signs and verifies access tokens: HS256 JWTs (the algorithm pinned on verify, so `alg: none` or an
 * RS/HS confusion cannot pass) with iss, aud, sub = user id, sid = session family id, iat and exp.
 * The HMAC key is imported into WebCrypto once, not on every call.
 */
export class AccessTokens {
  readonly #settings: AccessTokenSettings;
  readonly #clock: Clock;
  readonly #key: Promise<CryptoKey>;
  readonly #verified = new Map<string, AccessTokenClaims>();
  readonly #checks: AccessTokenChecks | undefined;

  constructor(settings: AccessTokenSettings, clock: Clock, checks?: AccessTokenChecks) {
    this.#settings = settings;
    this.#clock = clock;
    this.#checks = checks;
    // Notifications may have been missed while reconnecting: re-check every token's session once.
    checks?.revocations.onResync(() => this.#verified.clear());
    this.#key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(settings.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  }

  async sign(userId: string, sessionId: string): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(this.#clock.now().getTime() / 1000);
    const expiresAtSeconds = issuedAt + this.#settings.ttlSeconds;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
      .setIssuer(this.#settings.issuer)
      .setAudience(this.#settings.audience)
      .setSubject(userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .sign(await this.#key);
    return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
  }

  /**
   * Verifies signature, algorithm, issuer, audience and expiry. A token that verified before is taken
   * from a bounded cache (tokens are immutable; its expiry is still checked on every use).
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    const checks = this.#checks;
    await checks?.revocations.ready();
    const cached = this.#verified.get(token);
    if (cached) {
      if (cached.expiresAt.getTime() > this.#clock.now().getTime()) {
        if (!checks?.revocations.isRevoked(cached.sessionId)) return cached;
        this.#verified.delete(token);
        throw sessionEnded();
      }
      this.#verified.delete(token);
    }
    const claims = await this.#verifySignature(token);
    if (checks) {
      // Once per token (then cached): its session must still exist, for this user, unrevoked.
      if (
        checks.revocations.isRevoked(claims.sessionId) ||
        !(await checks.sessionIsLive(claims.sessionId, claims.userId)) ||
        checks.revocations.isRevoked(claims.sessionId)
      ) {
        throw sessionEnded();
      }
    }
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) {
      // Map iteration order is insertion order: drop the oldest entry.
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.set(token, claims);
    return claims;
  }

  async #verifySignature(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.#key, {
        algorithms: [ALGORITHM],
        issuer: this.#settings.issuer,
        audience: this.#settings.audience,
        requiredClaims: ["sub", "sid", "iat", "exp"],
        currentDate: this.#clock.now(),
      });
      if (
        !isUuid(payload.sub) ||
        !isUuid(payload.sid) ||
        typeof payload.exp !== "number" ||
        typeof payload.iat !== "number"
      ) {
        throw new UnauthenticatedError("The access token is malformed.");
      }
      const now = Math.floor(this.#clock.now().getTime() / 1000);
      if (payload.iat > now + ISSUED_AT_LEEWAY_SECONDS) {
        throw new UnauthenticatedError("The access token is invalid: it was issued in the future.");
      }
      if (payload.exp - payload.iat > this.#settings.ttlSeconds) {
        throw new UnauthenticatedError(
          "The access token is invalid: it lives longer than this server allows.",
        );
      }
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new UnauthenticatedError("The access token has expired. Refresh it and try again.", {
          cause: error,
          reason: "token_expired",
        });
      }
      throw new UnauthenticatedError("The access token is invalid.", { cause: error });
    }
  }
}

function sessionEnded(): UnauthenticatedError {
  return new UnauthenticatedError("The session has ended. Sign in again.", { reason: "session_ended" });
}

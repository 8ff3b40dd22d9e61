import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Response, Router } from "express";
import type { ListenerDirectory } from "../catalog/listeners.js";
import type { PersonaSummary } from "../catalog/personas.js";
import type { SandboxSettings } from "../settings.js";
import type { Grant, TokenStore } from "../token-store.js";
import { renderConsentPage } from "./consent-page.js";
import { renderErrorPage, sendHtml } from "./html-page.js";
import { queryOf } from "./query.js";

/**
 * Spotify's accounts service (accounts.spotify.com): GET /authorize with the consent page, and POST /api/token
 * for the authorization_code (with or without PKCE) and refresh_token grants. Errors use the OAuth 2.0 form
 * {"error","error_description"}, not the Web API's error object.
 */

export interface AccountsDependencies {
  readonly settings: SandboxSettings;
  readonly tokens: TokenStore;
  readonly listeners: ListenerDirectory;
  readonly personas: readonly PersonaSummary[];
  readonly now: () => number;
}

/** Every scope Spotify's authorize endpoint accepts; anything else is refused like Spotify does. */
const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  "ugc-image-upload",
  "user-read-playback-state",
  "user-modify-playback-state",
  "user-read-currently-playing",
  "app-remote-control",
  "streaming",
  "playlist-read-private",
  "playlist-read-collaborative",
  "playlist-modify-private",
  "playlist-modify-public",
  "user-follow-modify",
  "user-follow-read",
  "user-read-playback-position",
  "user-top-read",
  "user-read-recently-played",
  "user-library-modify",
  "user-library-read",
  "user-read-email",
  "user-read-private",
  "user-personalized",
  "user-soa-link",
  "user-soa-unlink",
  "soa-manage-entitlements",
  "soa-manage-partner",
  "soa-create-partner",
]);

/** RFC 7636: the S256 challenge is BASE64URL(SHA256(verifier)), 43 characters, no padding. */
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function redirectWith(redirectUri: string, parameters: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters))
    if (value !== null) url.searchParams.set(name, value);
  return url.toString();
}

function sameSecret(given: string, expected: string): boolean {
  const givenDigest = createHash("sha256").update(given).digest();
  const expectedDigest = createHash("sha256").update(expected).digest();
  return timingSafeEqual(givenDigest, expectedDigest);
}

function pkceChallengeOf(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

type ClientAuthentication = "confidential" | "public";

/**
 * What Spotify answers a client it cannot authenticate: HTTP 400 (not the 401 with WWW-Authenticate that
 * RFC 6749 §5.2 asks for when the client used the Authorization header) and the OAuth error form.
 */
const INVALID_CLIENT = () => new OAuthError(400, "invalid_client", "Invalid client");
const INVALID_CLIENT_SECRET = () => new OAuthError(400, "invalid_client", "Invalid client secret");

/**
 * RFC 6749 §2.3.1: the client id and secret are each form-urlencoded (Appendix B) before they are joined
 * with ":" and base64-encoded, so both may contain ":", "+", "%" and any Unicode character. Undoes that,
 * strictly: a malformed escape or invalid UTF-8 is not a credential. Null when the header cannot be read.
 */
export function decodeBasicCredentials(header: string): { id: string; secret: string } | null {
  const encoded = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, "base64");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(decoded);
  } catch {
    return null;
  }
  const separator = text.indexOf(":");
  if (separator === -1) return null;
  const id = formUrlDecode(text.slice(0, separator));
  const secret = formUrlDecode(text.slice(separator + 1));
  return id === null || secret === null ? null : { id, secret };
}

function formUrlDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return null;
  }
}

/** Basic header first (confidential clients), else client_id (and client_secret) in the body. */
function authenticateClient(
  authorization: string | undefined,
  form: Readonly<Record<string, string>>,
  settings: SandboxSettings,
): ClientAuthentication {
  if (authorization && /^basic\s/i.test(authorization)) {
    const credentials = decodeBasicCredentials(authorization);
    if (!credentials || credentials.id !== settings.clientId) throw INVALID_CLIENT();
    if (!sameSecret(credentials.secret, settings.clientSecret)) throw INVALID_CLIENT_SECRET();
    return "confidential";
  }
  if (form.client_id !== settings.clientId) throw INVALID_CLIENT();
  if (form.client_secret === undefined) return "public";
  if (!sameSecret(form.client_secret, settings.clientSecret)) throw INVALID_CLIENT_SECRET();
  return "confidential";
}

/** Form fields as single strings; a repeated field keeps its first value. */
function formFields(body: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof body !== "object" || body === null) return fields;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") fields[name] = value;
    else if (Array.isArray(value) && typeof value[0] === "string") fields[name] = value[0];
  }
  return fields;
}

export function accountsRouter(dependencies: AccountsDependencies): Router {
  const { settings, tokens, listeners, personas, now } = dependencies;
  const router = Router();

  function refuseAuthorize(response: Response, message: string): void {
    sendHtml(response, 400, renderErrorPage("Something went wrong", message));
  }

  router.get("/authorize", (request, response) => {
    const query = queryOf(request);
    const clientId = query.get("client_id");
    const redirectUri = query.get("redirect_uri");
    const state = query.get("state");
    if (clientId !== settings.clientId) return refuseAuthorize(response, "INVALID_CLIENT: Invalid client");
    if (
      !redirectUri ||
      !isAbsoluteHttpUrl(redirectUri) ||
      (settings.redirectUris !== null && !settings.redirectUris.includes(redirectUri))
    ) {
      return refuseAuthorize(response, "INVALID_CLIENT: Invalid redirect URI");
    }
    if (query.get("response_type") !== "code") {
      return refuseAuthorize(response, "INVALID_REQUEST: response_type must be code");
    }
    const scopes = [...new Set((query.get("scope") ?? "").split(/\s+/).filter(Boolean))];
    const unknownScope = scopes.find((scope) => !KNOWN_SCOPES.has(scope));
    if (unknownScope) return refuseAuthorize(response, `INVALID_SCOPE: Illegal scope ${unknownScope}`);
    const codeChallenge = query.get("code_challenge");
    const challengeMethod = query.get("code_challenge_method");
    if (codeChallenge !== null || challengeMethod !== null) {
      if (challengeMethod !== "S256") {
        return refuseAuthorize(response, "INVALID_REQUEST: code_challenge_method must be S256");
      }
      if (!codeChallenge || !CODE_CHALLENGE.test(codeChallenge)) {
        return refuseAuthorize(response, "INVALID_REQUEST: Invalid code_challenge");
      }
    }

    // The consent page's number field sends seed=<n>; links and scripts send persona=<id>.
    const seed = query.get("seed")?.trim() ?? null;
    const personaId = query.get("persona") ?? (seed === null ? null : `seed:${seed}`);
    if (personaId === null) {
      sendHtml(
        response,
        200,
        renderConsentPage({
          clientId,
          scopes,
          personas,
          authorizeParameters: query,
          cancelUrl: redirectWith(redirectUri, { error: "access_denied", state }),
        }),
      );
      return;
    }
    const listener = listeners.find(personaId);
    if (!listener) return refuseAuthorize(response, `INVALID_REQUEST: Unknown persona "${personaId}"`);

    const grant: Grant = {
      clientId,
      personaId: listener.profile.personaId,
      scopes,
      pkce: codeChallenge !== null,
      consentedAt: now(),
    };
    const code = tokens.issueCode(grant, redirectUri, codeChallenge);
    response.set("Cache-Control", "no-store");
    response.redirect(302, redirectWith(redirectUri, { code, state }));
  });

  function tokenResponse(grant: Grant, refreshToken: string | undefined) {
    return {
      access_token: tokens.issueAccessToken(grant, settings.accessTokenTtlSeconds),
      token_type: "Bearer",
      scope: grant.scopes.join(" "),
      ...(settings.omitExpiresIn ? {} : { expires_in: settings.accessTokenTtlSeconds }),
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    };
  }

  function exchangeCode(form: Readonly<Record<string, string>>, client: ClientAuthentication) {
    if (!form.code) throw new OAuthError(400, "invalid_request", "code must be supplied");
    const pending = tokens.findCode(form.code);
    if (!pending || pending.grant.clientId !== settings.clientId) {
      throw new OAuthError(400, "invalid_grant", "Invalid authorization code");
    }
    if (client === "public" && pending.codeChallenge === null) throw INVALID_CLIENT_SECRET();
    if (form.redirect_uri !== pending.redirectUri)
      throw new OAuthError(400, "invalid_grant", "Invalid redirect URI");
    if (pending.codeChallenge !== null) {
      const verifier = form.code_verifier;
      if (!verifier || pkceChallengeOf(verifier) !== pending.codeChallenge) {
        throw new OAuthError(400, "invalid_grant", "code_verifier was incorrect");
      }
    }
    tokens.redeemCode(form.code);
    return tokenResponse(pending.grant, tokens.issueRefreshToken(pending.grant));
  }

  function refresh(form: Readonly<Record<string, string>>, client: ClientAuthentication) {
    const refreshToken = form.refresh_token;
    if (!refreshToken) throw new OAuthError(400, "invalid_request", "refresh_token must be supplied");
    const lookup = tokens.findRefreshToken(refreshToken, settings.refreshTokenLifetimeSeconds);
    if (lookup.status === "rotated") {
      // A token that was replaced: a copy held by someone else, or a client that lost the answer and
      // retried. With reuse detection the whole grant is revoked, as the OAuth security BCP advises.
      if (settings.refreshTokenReuseDetection) tokens.revokeGrant(lookup.grant);
      throw new OAuthError(400, "invalid_grant", "Invalid refresh token");
    }
    if (lookup.status === "revoked") throw new OAuthError(400, "invalid_grant", "Refresh token revoked");
    if (lookup.status === "expired") throw new OAuthError(400, "invalid_grant", "Refresh token expired");
    if (lookup.status === "unknown" || lookup.grant.clientId !== settings.clientId) {
      throw new OAuthError(400, "invalid_grant", "Invalid refresh token");
    }
    // Only apps that proved themselves with PKCE may refresh without the client secret.
    if (client === "public" && !lookup.grant.pkce) throw INVALID_CLIENT_SECRET();
    const refreshes = tokens.countRefresh(lookup.grant);
    const rotate =
      settings.refreshTokenRotation === "always" ||
      (settings.refreshTokenRotation === "sometimes" && refreshes % 2 === 0);
    const rotated = rotate ? tokens.rotateRefreshToken(refreshToken, lookup.grant) : undefined;
    return tokenResponse(lookup.grant, rotated);
  }

  router.post("/api/token", express.urlencoded({ extended: false, limit: "16kb" }), (request, response) => {
    response.set("Cache-Control", "no-store").set("Pragma", "no-cache");
    const form = formFields(request.body);
    try {
      const client = authenticateClient(request.get("authorization"), form, settings);
      const grantType = form.grant_type;
      if (grantType === "authorization_code") {
        response.json(exchangeCode(form, client));
      } else if (grantType === "refresh_token") {
        response.json(refresh(form, client));
      } else if (!grantType) {
        throw new OAuthError(400, "unsupported_grant_type", "grant_type parameter is missing");
      } else {
        throw new OAuthError(
          400,
          "unsupported_grant_type",
          "grant_type must be authorization_code or refresh_token",
        );
      }
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      response.status(error.status).json({ error: error.error, error_description: error.description });
    }
  });

  router.use((_request, response) => {
    sendHtml(
      response,
      404,
      renderErrorPage("Page not found", "The sandbox accounts service has no such page."),
    );
  });

  return router;
}

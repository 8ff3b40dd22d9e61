import { setTimeout as delay } from "node:timers/promises";
import { type ErrorRequestHandler, type RequestHandler, Router } from "express";
import { ListenerDirectory } from "./catalog/listeners.js";
import { NAMED_PERSONAS, type PersonaSummary, summarize } from "./catalog/personas.js";
import { DevelopmentModeRoster } from "./development-mode.js";
import { accountsRouter } from "./http/accounts.js";
import { FaultInjector, type FaultTarget, injectFaults } from "./http/faults.js";
import { sendHtml } from "./http/html-page.js";
import { renderIndexPage } from "./http/index-page.js";
import { RequestLog, type RequestRecord } from "./http/request-log.js";
import { webApiRouter } from "./http/web-api.js";
import { sendApiError } from "./http/web-api-errors.js";
import {
  type RefreshTokenRotation,
  requireNonNegativeInteger,
  requirePositiveInteger,
  requireRotation,
  type SandboxOptions,
  type SandboxSettings,
  settingsFrom,
} from "./settings.js";
import { TokenStore } from "./token-store.js";

export interface SandboxControls {
  setLatency(ms: number): void;
  /** Development mode on or off (shapes and the five-listener cap; see SandboxOptions.developmentMode). */
  setDevelopmentMode(on: boolean): void;
  /** The listeners the app's owner "added" so far (development mode admits at most five per client). */
  readonly developmentModeListeners: readonly string[];
  /** Lifetime of the access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** Leave expires_in out of token responses from now on (RFC 6749 allows it; Spotify sends it). */
  setOmitExpiresIn(on: boolean): void;
  setRefreshTokenRotation(rotation: RefreshTokenRotation): void;
  /** Shorthand: true = rotation "always", false = "off". */
  setRotateRefreshTokens(on: boolean): void;
  /** Presenting a rotated-away refresh token revokes the whole grant. */
  setRefreshTokenReuseDetection(on: boolean): void;
  /** The next n matching requests answer 429 with `Retry-After: retryAfterSeconds` (Web API: body {"error":{"status":429,"message":"API rate limit exceeded"}}; accounts token endpoint: 429 with the same header). */
  rateLimitNext(n: number, retryAfterSeconds: number, target?: FaultTarget): void;
  /** Rate limit every matching request until `untilMs` (clock ms), Retry-After = remaining seconds rounded up. */
  rateLimitUntil(untilMs: number, target?: FaultTarget): void;
  /**
   * Spotify's app-wide rate limit: at most `maxRequests` matching requests per rolling `windowSeconds`
   * (default 1), counted across every client and token together; the rest answer 429 "API rate limit
   * exceeded" with Retry-After = whole seconds until the window admits again. Cleared by reset().
   */
  limitRate(maxRequests: number, options?: { windowSeconds?: number; target?: FaultTarget }): void;
  /** The next n matching requests answer Spotify's quota error: 429, Retry-After, body {"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}. */
  exceedQuotaNext(n: number, retryAfterSeconds: number, target?: FaultTarget): void;
  /** The quota error for every matching request until `untilMs` (clock ms). */
  exceedQuotaUntil(untilMs: number, target?: FaultTarget): void;
  /** The next n matching requests answer with this 5xx status (default 503) and a Spotify-shaped error body, before acting; with retryAfterSeconds, also a Retry-After header. */
  failNext(n: number, status?: number, target?: FaultTarget, retryAfterSeconds?: number): void;
  /** The next n matching requests take effect (a code is redeemed, a refresh token rotated), then answer this 5xx (default 502) instead, as a gateway that lost the answer. */
  failAfterActingNext(n: number, status?: number, target?: FaultTarget): void;
  /** The next n matching requests take effect, and their answer leaves after delayMs on the sandbox's sleep (a client may have given up by then). */
  answerLateNext(n: number, delayMs: number, target?: FaultTarget): void;
  /** The next n matching requests answer 200 with a body that is not valid JSON. */
  malformedNext(n: number, target?: FaultTarget): void;
  /** Every access token issued so far expires now (the next use gets 401 "The access token expired"). */
  expireAccessTokens(): void;
  /** Every refresh token issued so far is refused with 400 {"error":"invalid_grant","error_description":"Refresh token revoked"}. */
  revokeRefreshTokens(): void;
  /** Log of handled requests, oldest first (for tests that check parallelism and counts). */
  readonly requests: readonly RequestRecord[];
  clearRequests(): void;
  /** Clears every fault and the development-mode listener list, and restores the options given at creation. */
  reset(): void;
}

export interface Sandbox {
  router: Router;
  controls: SandboxControls;
  personas: readonly PersonaSummary[];
}

const PERSONA_SUMMARIES: readonly PersonaSummary[] = NAMED_PERSONAS.map(summarize);

function delayWebApi(settings: SandboxSettings, sleep: (ms: number) => Promise<void>): RequestHandler {
  return async (_request, _response, next) => {
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    next();
  };
}

/**
 * A bug must not leak a stack trace or hang the client: answer like Spotify's own 500. What the client
 * sent wrong (a body-parser error: malformed or oversized form, unsupported charset) keeps its 4xx.
 */
const internalError: ErrorRequestHandler = (error, _request, response, next) => {
  if (response.headersSent) return next(error);
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    response
      .status(status)
      .json({ error: "invalid_request", error_description: "The request could not be read." });
    return;
  }
  sendApiError(response, 500, "Server error");
};

/**
 * A local Spotify: an index page at its root, the accounts service under /accounts, the Web API under /api
 * and the persona list under /personas, all inside one express Router that can be mounted under any prefix.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  const initialSettings = settingsFrom(options);
  const settings: SandboxSettings = { ...initialSettings };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const tokens = new TokenStore(now);
  const listeners = new ListenerDirectory();
  const faults = new FaultInjector(now);
  const requestLog = new RequestLog(now);
  const roster = new DevelopmentModeRoster();

  const router = Router();
  router.use(requestLog.middleware());
  router.get("/", (request, response) => {
    const page = renderIndexPage({
      basePath: request.baseUrl,
      clientId: settings.clientId,
      personas: PERSONA_SUMMARIES,
    });
    sendHtml(response, 200, page);
  });
  router.get("/personas", (_request, response) => {
    response.json(PERSONA_SUMMARIES);
  });
  router.use(
    "/accounts",
    injectFaults(faults, "accounts", sleep),
    accountsRouter({ settings, tokens, listeners, personas: PERSONA_SUMMARIES, now }),
  );
  router.use(
    "/api",
    delayWebApi(settings, sleep),
    injectFaults(faults, "api", sleep),
    webApiRouter({ settings, tokens, listeners, roster, now }),
  );
  router.use((_request, response) => {
    sendApiError(response, 404, "Not found");
  });
  router.use(internalError);

  const controls: SandboxControls = {
    setLatency(ms) {
      settings.latencyMs = requireNonNegativeInteger(ms, "latency");
    },
    setDevelopmentMode(on) {
      settings.developmentMode = on;
    },
    get developmentModeListeners() {
      return roster.listenersOf(settings.clientId);
    },
    setAccessTokenTtl(seconds) {
      settings.accessTokenTtlSeconds = requirePositiveInteger(seconds, "accessTokenTtlSeconds");
    },
    setOmitExpiresIn(on) {
      settings.omitExpiresIn = on;
    },
    setRefreshTokenRotation(rotation) {
      settings.refreshTokenRotation = requireRotation(rotation);
    },
    setRotateRefreshTokens(on) {
      settings.refreshTokenRotation = on ? "always" : "off";
    },
    setRefreshTokenReuseDetection(on) {
      settings.refreshTokenReuseDetection = on;
    },
    rateLimitNext(n, retryAfterSeconds, target = "api") {
      faults.rateLimitNext(n, retryAfterSeconds, target);
    },
    rateLimitUntil(untilMs, target = "api") {
      faults.rateLimitUntil(untilMs, target);
    },
    limitRate(maxRequests, options = {}) {
      faults.limitRate(maxRequests, (options.windowSeconds ?? 1) * 1000, options.target ?? "api");
    },
    exceedQuotaNext(n, retryAfterSeconds, target = "api") {
      faults.rateLimitNext(n, retryAfterSeconds, target, true);
    },
    exceedQuotaUntil(untilMs, target = "api") {
      faults.rateLimitUntil(untilMs, target, true);
    },
    failNext(n, status = 503, target = "api", retryAfterSeconds) {
      faults.failNext(n, status, target, retryAfterSeconds ?? null);
    },
    failAfterActingNext(n, status = 502, target = "api") {
      faults.failAfterActingNext(n, status, target);
    },
    answerLateNext(n, delayMs, target = "api") {
      faults.answerLateNext(n, delayMs, target);
    },
    malformedNext(n, target = "api") {
      faults.malformedNext(n, target);
    },
    expireAccessTokens() {
      tokens.expireAllAccessTokens();
    },
    revokeRefreshTokens() {
      tokens.revokeAllRefreshTokens();
    },
    get requests() {
      return requestLog.records;
    },
    clearRequests() {
      requestLog.clear();
    },
    reset() {
      faults.clear();
      roster.clear();
      Object.assign(settings, initialSettings);
    },
  };

  return { router, controls, personas: PERSONA_SUMMARIES };
}

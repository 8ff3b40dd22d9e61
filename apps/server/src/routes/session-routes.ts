import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { toTRPCError } from "@unwrapped/api";
import { isAppError, type Services, type SessionTokens } from "@unwrapped/services";
import express, { type Request, type Response, Router } from "express";
import { z } from "zod";

/** The refresh token's cookie: HttpOnly, SameSite=Strict, sent only to the session routes. */
export const SESSION_COOKIE = "unwrapped_session";
export const SESSION_COOKIE_PATH = "/auth/session";

const SessionBody = z.object({ code: z.string().min(1).max(2048) });

/**
 * The browser's session, as plain same-origin HTTP routes (API.md "Web app"): the app trades a login
 * code at POST /auth/session and gets the access token in the answer and the refresh token as a cookie
 * that JavaScript cannot read. Refresh and logout read that cookie. Every route refuses a request whose
 * Origin is not this server's or the app's (SameSite=Strict already keeps the cookie off cross-site
 * requests; the Origin check covers same-site ones from another port or subdomain).
 */
export function sessionRoutes(services: Services): Router {
  const { config } = services;
  const allowedOrigins = new Set([
    new URL(config.server.publicUrl).origin,
    new URL(config.server.appUrl).origin,
  ]);
  const secure = config.server.https.mode !== "off" || config.server.publicUrl.startsWith("https:");
  const maxAgeSeconds = config.auth.refreshTokenTtlSeconds;
  const router = Router();
  const json = express.json({ limit: "4kb", type: () => true });

  const setCookie = (response: Response, value: string, maxAge: number) => {
    response.append(
      "set-cookie",
      [
        `${SESSION_COOKIE}=${value}`,
        `Path=${SESSION_COOKIE_PATH}`,
        `Max-Age=${maxAge}`,
        "HttpOnly",
        "SameSite=Strict",
        ...(secure ? ["Secure"] : []),
      ].join("; "),
    );
  };
  const answer = (response: Response, tokens: SessionTokens) => {
    setCookie(response, tokens.refreshToken, maxAgeSeconds);
    response.json({
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
      user: tokens.user,
    });
  };
  /** Runs a route: no caching, the Origin check, and domain errors as their HTTP status. */
  const route =
    (handler: (request: Request, response: Response) => Promise<void>) =>
    async (request: Request, response: Response) => {
      response.setHeader("cache-control", "no-store");
      const origin = request.headers.origin;
      if (!origin || !allowedOrigins.has(origin)) {
        response
          .status(403)
          .json({ error: "forbidden_origin", message: "This request must come from the app." });
        return;
      }
      try {
        await handler(request, response);
      } catch (error) {
        if (!isAppError(error)) throw error;
        const trpcError = toTRPCError(error);
        const status = getHTTPStatusCodeFromError(trpcError);
        if (status === 401) setCookie(response, "", 0);
        response.status(status).json({ error: trpcError.code.toLowerCase(), message: trpcError.message });
      }
    };

  router.post(
    "/auth/session",
    json,
    route(async (request, response) => {
      const body = SessionBody.safeParse(request.body);
      if (!body.success) {
        response.status(400).json({ error: "invalid_request", message: "Send the login code as { code }." });
        return;
      }
      answer(response, await services.sessions.exchangeLoginCode(body.data.code));
    }),
  );

  router.post(
    "/auth/session/refresh",
    route(async (request, response) => {
      const refreshToken = readCookie(request, SESSION_COOKIE);
      if (!refreshToken) {
        response.status(401).json({ error: "unauthorized", message: "You are not signed in." });
        return;
      }
      answer(response, await services.sessions.refresh(refreshToken));
    }),
  );

  router.post(
    "/auth/session/logout",
    route(async (request, response) => {
      const refreshToken = readCookie(request, SESSION_COOKIE);
      if (refreshToken) await services.sessions.logout(refreshToken);
      setCookie(response, "", 0);
      response.json({ ok: true });
    }),
  );

  return router;
}

function readCookie(request: Request, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      return value.length > 0 && value.length <= 512 ? value : null;
    }
  }
  return null;
}

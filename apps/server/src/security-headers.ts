import type { RequestHandler } from "express";

/** Headers every response carries. HTML pages add their own Content-Security-Policy. */
export function securityHeaders(options: { https: boolean }): RequestHandler {
  return (_request, response, next) => {
    response.setHeader("x-content-type-options", "nosniff");
    response.setHeader("x-frame-options", "DENY");
    // Login codes and share tokens live in URLs: never leak them to other sites through Referer.
    response.setHeader("referrer-policy", "no-referrer");
    response.setHeader("cross-origin-opener-policy", "same-origin");
    if (options.https) response.setHeader("strict-transport-security", "max-age=31536000");
    next();
  };
}

/** CORS for the frontend's origin (APP_URL) only; bearer tokens, so no cookies are involved. */
export function corsForAppOrigin(appUrl: string): RequestHandler {
  const allowed = new URL(appUrl).origin;
  return (request, response, next) => {
    const origin = request.get("origin");
    if (origin === allowed) {
      response.setHeader("access-control-allow-origin", allowed);
      response.setHeader("vary", "Origin");
      if (request.method === "OPTIONS") {
        response.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
        response.setHeader(
          "access-control-allow-headers",
          "authorization, content-type, trpc-accept, last-event-id, x-request-id",
        );
        response.setHeader("access-control-max-age", "600");
        response.status(204).end();
        return;
      }
    } else if (origin && request.method === "OPTIONS") {
      response.status(403).end();
      return;
    }
    next();
  };
}

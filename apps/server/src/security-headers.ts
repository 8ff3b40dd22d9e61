import type { IncomingMessage, ServerResponse } from "node:http";

/** Headers every response carries. HTML pages add their own Content-Security-Policy. */
export function setSecurityHeaders(response: ServerResponse, options: { https: boolean }): void {
  response.setHeader("x-content-type-options", "nosniff");
  response.setHeader("x-frame-options", "DENY");
  // Login codes and share tokens live in URLs: never leak them to other sites through Referer.
  response.setHeader("referrer-policy", "no-referrer");
  response.setHeader("cross-origin-opener-policy", "same-origin");
  if (options.https) response.setHeader("strict-transport-security", "max-age=31536000");
}

/**
 * CORS for the frontend's origin (APP_URL) only; bearer tokens, so no cookies are involved.
 * Returns true when it answered the request itself (a preflight).
 */
export function handleCors(
  allowedOrigin: string,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  if (origin !== allowedOrigin) {
    if (request.method !== "OPTIONS") return false;
    response.statusCode = 403;
    response.end();
    return true;
  }
  response.setHeader("access-control-allow-origin", allowedOrigin);
  response.setHeader("vary", "Origin");
  if (request.method !== "OPTIONS") return false;
  response.setHeader("access-control-allow-methods", "GET, POST, DELETE, OPTIONS");
  response.setHeader(
    "access-control-allow-headers",
    "authorization, content-type, trpc-accept, last-event-id, x-request-id",
  );
  response.setHeader("access-control-max-age", "600");
  response.statusCode = 204;
  response.end();
  return true;
}

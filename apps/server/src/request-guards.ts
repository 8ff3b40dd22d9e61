import type { IncomingMessage, ServerResponse } from "node:http";
import { clientAddress } from "@unwrapped/api";
import { type RateLimitBucket, type Services, unsafeInputReason } from "@unwrapped/services";
import type { RequestHandler } from "express";

/** Methods some route answers; anything else (TRACE, PUT, PATCH, CONNECT …) is 405 before routing. */
const SUPPORTED_METHODS = new Set(["GET", "HEAD", "POST", "DELETE", "OPTIONS"]);
const ALLOW = [...SUPPORTED_METHODS].join(", ");

/** Answers 405 for a method no route supports; returns true when it answered. */
export function refuseUnsupportedMethod(request: IncomingMessage, response: ServerResponse): boolean {
  if (SUPPORTED_METHODS.has(request.method ?? "")) return false;
  response.writeHead(405, { "content-type": "application/json", allow: ALLOW });
  response.end('{"error":"method_not_allowed","message":"This method is not supported here."}');
  return true;
}

/**
 * The one check on every express route's URL (query strings such as redirect_to, state, code and error,
 * and path segments such as share tokens) before a route reads it: the same rule as tRPC input (no NUL
 * byte, nothing PostgreSQL cannot store); malformed percent-encoding is refused too. 400, never 500.
 */
export const rejectUnsafeUrl: RequestHandler = (request, response, next) => {
  let path: string;
  try {
    path = decodeURIComponent(request.path);
  } catch {
    response.status(400).json({ error: "bad_request", message: "The request could not be read." });
    return;
  }
  const reason = unsafeInputReason([path, request.query]);
  if (reason) {
    response.status(400).json({ error: "bad_request", message: reason });
    return;
  }
  next();
};

/**
 * An express route's share of the process's rate limiter (the same buckets the tRPC procedures draw
 * from), keyed by the client address as createContext derives it. Over the limit the RateLimitedError
 * goes to the error handler, which answers 429 with Retry-After.
 */
export function rateLimit(services: Services, bucket: RateLimitBucket): RequestHandler {
  const hops = services.config.server.trustedProxyHops;
  return (request, _response, next) => {
    try {
      services.rateLimiter.take(
        bucket,
        clientAddress(
          { remoteAddress: request.socket.remoteAddress, forwardedFor: request.headers["x-forwarded-for"] },
          hops,
        ),
      );
      next();
    } catch (error) {
      next(error);
    }
  };
}

import { randomUUID } from "node:crypto";
import type { Logger } from "@unwrapped/services";
import type { RequestHandler } from "express";

/**
 * One log line per request: method, path, status, duration. Deliberately without the query string
 * (OAuth codes, state, login codes, tRPC inputs), headers (Authorization, cookies) or bodies, and with
 * share tokens cut out of /s/ paths, so no credential can reach the log.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    const requestId = request.get("x-request-id")?.slice(0, 64) || randomUUID();
    response.setHeader("x-request-id", requestId);
    response.on("finish", () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const status = response.statusCode;
      const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
      logger[level](
        {
          requestId,
          method: request.method,
          path: safePath(request.originalUrl),
          status,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        "request",
      );
    });
    next();
  };
}

export function safePath(originalUrl: string): string {
  const path = originalUrl.split("?")[0] ?? "/";
  return path.replace(/^\/s\/[^/]+/, "/s/[redacted]");
}

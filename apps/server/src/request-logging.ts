import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@unwrapped/services";

/**
 * One log line per request: method, path, status, duration. At debug (LOG_LEVEL=debug shows them),
 * except 5xx answers, which are errors. Deliberately without the query string (OAuth codes, state,
 * login codes, tRPC inputs), headers (Authorization, cookies) or bodies, and with share and match tokens
 * cut out of /s/ and /m/ paths, so no credential can reach the log. Plain node types, so the tRPC fast path and express
 * share it.
 */
export function logRequest(logger: Logger, request: IncomingMessage, response: ServerResponse): void {
  const started = process.hrtime.bigint();
  const header = request.headers["x-request-id"];
  const requestId = (typeof header === "string" && header.slice(0, 64)) || randomUUID();
  response.setHeader("x-request-id", requestId);
  response.on("finish", () => {
    const status = response.statusCode;
    // Server failures always; everything else only when LOG_LEVEL=debug asks for a line per request.
    const level = status >= 500 ? "error" : "debug";
    if (!logger.isLevelEnabled(level)) return;
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    logger[level](
      {
        requestId,
        method: request.method,
        path: safePath(request.url ?? "/"),
        status,
        durationMs: Math.round(durationMs * 10) / 10,
      },
      "request",
    );
  });
}

export function safePath(url: string): string {
  const path = url.split("?")[0] ?? "/";
  // Share (/s/) and match (/m/) tokens are credentials to a page: never logged.
  return path.replace(/^\/([sm])\/[^/]+/, "/$1/[redacted]");
}

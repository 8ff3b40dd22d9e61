import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger, Metrics } from "@unwrapped/services";

/**
 * One log line per request: method, path, status, duration. At debug (LOG_LEVEL=debug shows them),
 * except 5xx answers, which are errors. Deliberately without the query string (OAuth codes, state,
 * login codes, tRPC inputs), headers (Authorization, cookies) or bodies, and with share and match tokens
 * cut out of /s/ and /m/ paths, so no credential can reach the log. Plain node types, so the tRPC fast
 * path and express share it. Also counts the request in the HTTP metrics. Returns the request id (the
 * client's X-Request-Id when it sent a reasonable one, else a new one), which every log line of the
 * request carries.
 */
export function logRequest(
  logger: Logger,
  request: IncomingMessage,
  response: ServerResponse,
  metrics?: Metrics,
): string {
  const started = process.hrtime.bigint();
  const header = request.headers["x-request-id"];
  const requestId = (typeof header === "string" && /^[\w.:-]{1,64}$/.test(header) && header) || randomUUID();
  response.setHeader("x-request-id", requestId);
  response.on("finish", () => {
    const status = response.statusCode;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics?.httpRequest(
      { method: request.method ?? "GET", route: routeOf(request.url ?? "/", status), status },
      seconds,
    );
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
  return requestId;
}

const PROCEDURE = /^[A-Za-z]+(\.[A-Za-z]+)+$/;

/**
 * The route label of a request, with few enough values for a metric: the tRPC procedure (batches as
 * one label), else the first path segment; unknown paths (404) share one label, so scans for random
 * paths cannot grow the metrics without bound.
 */
export function routeOf(url: string, status: number): string {
  const path = url.split("?")[0] ?? "/";
  if (path.startsWith("/trpc/")) {
    const procedures = path.slice("/trpc/".length);
    if (PROCEDURE.test(procedures)) return `/trpc/${procedures}`;
    return procedures.split(",").every((name) => PROCEDURE.test(name)) ? "/trpc/(batch)" : "/trpc/(unknown)";
  }
  if (status === 404) return "(not found)";
  const [first, ...rest] = path.split("/").filter(Boolean);
  if (first === undefined) return "/";
  return rest.length > 0 ? `/${first}/*` : `/${first}`;
}

export function safePath(url: string): string {
  const path = url.split("?")[0] ?? "/";
  // Share (/s/) and match (/m/) tokens are credentials to a page: never logged.
  return path.replace(/^\/([sm])\/[^/]+/, "/$1/[redacted]");
}

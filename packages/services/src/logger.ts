import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

/**
 * Paths pino blanks out wherever they appear in a log object: credentials must never reach a log line,
 * even when someone logs a whole request or error by mistake.
 */
export const REDACTED_PATHS = [
  "authorization",
  "cookie",
  "*.authorization",
  "*.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  "*.headers['set-cookie']",
  "accessToken",
  "refreshToken",
  "*.accessToken",
  "*.refreshToken",
  "access_token",
  "refresh_token",
  "*.access_token",
  "*.refresh_token",
  "authorizationCode",
  "*.code_verifier",
  "codeVerifier",
  "loginCode",
  "*.loginCode",
  "login_code",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
];

/**
 * The request being served, if any: every line logged while serving it (by the request log, a
 * procedure, a service it calls) carries its `requestId`, without passing a child logger around.
 */
export const requestContext = new AsyncLocalStorage<{ readonly requestId: string }>();
/** Properties of errors (drizzle, postgres.js, PGlite) that carry a query's parameters or row values. */
const QUERY_VALUE_KEYS = new Set(["params", "parameters", "args", "detail", "where", "internalQuery"]);

/**
 * The error serializer of every log line: pino's own, then each error in the cause chain stripped of
 * what a failed query carries besides its SQL: the parameters (OAuth state, PKCE verifier, share tokens)
 * in drizzle's "params:" message line and stack, postgres.js's `parameters`, PostgreSQL's `detail` (which
 * quotes the offending values).
 */
export function serializeError(error: unknown): unknown {
  return scrub(pino.stdSerializers.err(error as Error), 0);
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string")
    return value.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/g, "\nparams: [redacted]");
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const clean: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (QUERY_VALUE_KEYS.has(key)) continue;
    clean[key] =
      key === "cause" && item instanceof Error
        ? scrub(pino.stdSerializers.err(item), depth + 1)
        : scrub(item, depth + 1);
  }
  return clean;
}

/** The same error (level, message, error name, code and text) is logged once per this interval. */
export const REPEATED_ERROR_INTERVAL_MS = 60_000;
const MAX_TRACKED_ERRORS = 1000;

/**
 * A pino logMethod hook: an error line repeated within the interval is counted, not written; the first
 * line after the interval carries `repeated: <count>`. A flood of hostile requests cannot flood the logs.
 */
export function throttleRepeatedErrors(now: () => number = Date.now) {
  const seen = new Map<string, { since: number; suppressed: number }>();
  return function logMethod(
    this: Logger,
    args: unknown[],
    method: (...args: unknown[]) => void,
    level: number,
  ) {
    const [first] = args;
    const err = first && typeof first === "object" ? (first as { err?: unknown }).err : undefined;
    if (level < 40 || !(err instanceof Error)) return method.apply(this, args);
    const key = [
      level,
      typeof args[1] === "string" ? args[1] : "",
      err.name,
      String((err as { code?: unknown }).code ?? ""),
      err.message.split("\n", 1)[0]?.slice(0, 200),
    ].join("\u0000");
    const at = now();
    const entry = seen.get(key);
    if (entry && at - entry.since < REPEATED_ERROR_INTERVAL_MS) {
      entry.suppressed++;
      return;
    }
    if (seen.size >= MAX_TRACKED_ERRORS) seen.clear();
    seen.set(key, { since: at, suppressed: 0 });
    if (entry && entry.suppressed > 0) {
      return method.apply(this, [{ ...(first as object), repeated: entry.suppressed }, ...args.slice(1)]);
    }
    return method.apply(this, args);
  };
}

export interface LoggerOptions {
  readonly level: string;
  readonly name?: string;
  /** The clock of the repeated-error throttle (tests). */
  readonly now?: () => number;
  /**
   * Readable lines (local time, level, message, then the fields) instead of JSON lines: for a person at
   * a terminal in development. Log collectors (pipes, files, production) want JSON.
   */
  readonly pretty?: boolean;
}

/**
 * The process's logger: JSON lines (or pretty ones) to `destination`, stdout by default, with
 * credentials redacted wherever they appear.
 */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? "unwrapped",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError },
      hooks: { logMethod: throttleRepeatedErrors(options.now) },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const request = requestContext.getStore();
        return request ? { requestId: request.requestId } : {};
      },
    },
    options.pretty
      ? // In-process and synchronous: nothing is lost when the process exits right after a line.
        // Loaded only when wanted, so a JSON-logging start does not pay for it.
        loadPinoPretty()({
          sync: true,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname",
          destination: destination ?? 1,
        })
      : destination,
  );
}

/** Required at run time, unseen by the apps' build: apps/server and apps/worker list pino-pretty themselves. */
function loadPinoPretty(): typeof import("pino-pretty") {
  return createRequire(import.meta.url)("pino-pretty");
}

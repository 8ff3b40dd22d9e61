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

export interface LoggerOptions {
  readonly level: string;
  readonly name?: string;
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

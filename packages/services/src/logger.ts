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

export function createLogger(
  options: { level: string; name?: string; pretty?: boolean },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? "unwrapped",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

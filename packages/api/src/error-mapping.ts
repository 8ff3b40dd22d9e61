import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import {
  type AppError,
  type AppErrorCode,
  isAppError,
  RateLimitedError,
  UpstreamError,
} from "@unwrapped/services";

const TRPC_CODES: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UPSTREAM_FAILED: "BAD_GATEWAY",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

export const GENERIC_INTERNAL_MESSAGE = "Something went wrong on our side. Please try again.";
export const UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please try again in a moment.";

/** The one place domain errors become tRPC errors. The AppError stays as `cause` for the formatter. */
export function toTRPCError(error: AppError): TRPCError {
  if (error instanceof UpstreamError && error.retryable) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: error.message, cause: error });
  }
  if (error instanceof RateLimitedError) {
    return new TRPCError({ code: "TOO_MANY_REQUESTS", message: error.message, cause: error });
  }
  const code = TRPC_CODES[error.code];
  const message = code === "INTERNAL_SERVER_ERROR" ? GENERIC_INTERNAL_MESSAGE : error.message;
  return new TRPCError({ code, message, cause: error });
}

/**
 * Errors that are not ours to explain: a lost database connection becomes SERVICE_UNAVAILABLE with a
 * plain message; anything else INTERNAL_SERVER_ERROR with a generic one. Details go to the log only.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      ([
        "ECONNREFUSED",
        "ECONNRESET",
        "ETIMEDOUT",
        "EPIPE",
        "CONNECTION_CLOSED",
        "CONNECTION_ENDED",
        "CONNECTION_DESTROYED",
        "CONNECT_TIMEOUT",
      ].includes(code) ||
        code.startsWith("57P") || // admin shutdown, crash shutdown, cannot connect now
        code.startsWith("08")) // connection exceptions
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export { isAppError };

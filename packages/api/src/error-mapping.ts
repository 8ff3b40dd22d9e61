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

export { isAppError };

import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { isDatabaseUnavailable } from "@unwrapped/db";
import {
  type AppError,
  type AppErrorCode,
  isAppError,
  type Logger,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamError,
} from "@unwrapped/services";
import { ZodError, z } from "zod";

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

/** The HTTP status of a domain error, for routes outside tRPC (share images): the one tRPC gives it. */
export function httpStatusOf(error: AppError): number {
  return getHTTPStatusCodeFromError(toTRPCError(error));
}

/** Where an error happened, for the log line. */
export interface ErrorSite {
  readonly path: string;
  readonly type: string;
}

/**
 * The one place anything a procedure (or a subscription's stream) throws becomes what the client sees:
 * AppErrors their tRPC code and message; tRPC's own errors (invalid input, unknown procedure) as they
 * are; a lost database SERVICE_UNAVAILABLE with a plain message; anything else INTERNAL_SERVER_ERROR with
 * a generic message. Internals (stack, SQL, tokens) are logged, never sent.
 */
export function toClientError(error: unknown, logger: Logger, site: ErrorSite): TRPCError {
  const wrapper = error instanceof TRPCError ? error : null;
  const cause = wrapper?.cause ?? error;
  if (isAppError(cause)) {
    const mapped = toTRPCError(cause);
    if (mapped.code === "INTERNAL_SERVER_ERROR" || mapped.code === "BAD_GATEWAY") {
      logger.error({ err: cause, ...site }, "procedure failed");
    }
    return mapped;
  }
  if (wrapper && wrapper.code !== "INTERNAL_SERVER_ERROR") return wrapper;
  if (isDatabaseUnavailable(cause)) {
    logger.warn({ err: cause, ...site }, "database unavailable");
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: UNAVAILABLE_MESSAGE });
  }
  logger.error({ err: cause, ...site }, "procedure failed");
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: GENERIC_INTERNAL_MESSAGE });
}

/**
 * The Retry-After value (whole seconds) an error asks for: a RateLimitedError anywhere in its cause
 * chain. The one place a retry hint becomes a header: tRPC's responseMeta and the express error handler
 * (and any other adapter) both ask this.
 */
export function retryAfterSeconds(error: unknown): number | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof RateLimitedError) return current.retryAfterSeconds;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** Retry-After for a response carrying these errors (a batch: the longest wait), or null. */
export function retryAfterHeader(errors: readonly unknown[]): string | null {
  const waits = errors.map(retryAfterSeconds).filter((wait): wait is number => wait !== null);
  return waits.length > 0 ? String(Math.max(...waits)) : null;
}

/** What a client may learn of an error beyond its code and message, read from its cause. */
export interface ErrorDetails {
  /** Field errors of invalid input (zod 4's flattenError). */
  readonly zodError: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null;
  /** Seconds to wait before retrying, on TOO_MANY_REQUESTS. */
  readonly retryAfterSeconds: number | null;
  /** Why authentication failed; "token_expired" means: refresh, then retry. */
  readonly authReason: UnauthenticatedError["reason"] | null;
}

/** The details of a client error: tRPC's error shape (`data`) and REST's error body both come from here. */
export function errorDetails(error: TRPCError): ErrorDetails {
  const cause = error.cause;
  return {
    zodError: error.code === "BAD_REQUEST" && cause instanceof ZodError ? z.flattenError(cause) : null,
    retryAfterSeconds: cause instanceof RateLimitedError ? cause.retryAfterSeconds : null,
    authReason: cause instanceof UnauthenticatedError ? cause.reason : null,
  };
}

/** REST's error body: the tRPC code, a sentence for a person, and the invalid fields of bad input. */
export interface RestErrorBody {
  readonly code: TRPC_ERROR_CODE_KEY;
  readonly message: string;
  readonly fieldErrors?: Record<string, string[]>;
}

export interface RestError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: RestErrorBody;
}

/**
 * What a REST request (/api/v1) answers for an error: the HTTP status of its tRPC code, the body
 * `{ code, message, fieldErrors? }`, `Retry-After` when the error carries a retry hint and
 * `WWW-Authenticate` on 401 (RFC 6750). Errors from procedures arrive already mapped (the same middleware
 * as /trpc); anything else goes through toClientError first.
 */
export function toRestError(error: unknown, logger: Logger, site: ErrorSite): RestError {
  const mapped = error instanceof TRPCError ? error : toClientError(error, logger, site);
  const { zodError, retryAfterSeconds, authReason } = errorDetails(mapped);
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== null) headers["retry-after"] = String(retryAfterSeconds);
  if (mapped.code === "UNAUTHORIZED") {
    headers["www-authenticate"] =
      `Bearer error="invalid_token", error_description="${authReason ?? "token_invalid"}"`;
  }
  const status = getHTTPStatusCodeFromError(mapped);
  if (!zodError) return { status, headers, body: { code: mapped.code, message: mapped.message } };
  const fieldErrors = Object.fromEntries(
    Object.entries(zodError.fieldErrors).filter(
      (entry): entry is [string, string[]] => entry[1] !== undefined,
    ),
  );
  const problems = [
    ...zodError.formErrors,
    ...Object.entries(fieldErrors).map(([field, [first]]) => `${field}: ${first}`),
  ];
  return {
    status,
    headers,
    body: {
      code: mapped.code,
      message: `The request is not valid. ${problems.join("; ")}`.trim(),
      fieldErrors,
    },
  };
}

import { isTRPCClientError, TRPCClientError } from "@trpc/client";
import type { AppRouter } from "./router-types.js";

/** A client error of our router: `data` carries code, httpStatus, zodError, retryAfterSeconds, authReason. */
export type UnwrappedClientError = TRPCClientError<AppRouter>;

/** The request never reached the server (connection refused, DNS failure, TLS error, reset). */
export class ServerUnreachableError extends Error {
  override name = "ServerUnreachableError";
  readonly url: string;
  constructor(url: string, options: { cause?: unknown } = {}) {
    super(`Cannot reach the unwrapped server at ${url} — is it running?`, options);
    this.url = url;
  }
}

/** Demo sign-in could not complete (not demo mode, unknown persona, a sign-in error from the server). */
export class SignInError extends Error {
  override name = "SignInError";
  /** The `error=` code the server sent back to redirect_to, when it sent one. */
  readonly code: string | null;
  constructor(message: string, options: { code?: string | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? null;
  }
}

export function isUnwrappedClientError(error: unknown): error is UnwrappedClientError {
  return isTRPCClientError<AppRouter>(error);
}

/** The tRPC code of a server error ("NOT_FOUND", "UNAUTHORIZED", …), or null for anything else. */
export function errorCode(error: unknown): string | null {
  return isUnwrappedClientError(error) ? (error.data?.code ?? null) : null;
}

/** An access token that only needs refreshing: the one UNAUTHORIZED the client recovers from itself. */
export function isExpiredAccessTokenError(error: unknown): boolean {
  return (
    isUnwrappedClientError(error) &&
    error.data?.code === "UNAUTHORIZED" &&
    error.data.authReason === "token_expired"
  );
}

/**
 * An access token the server refused in a way a refresh may cure: expired, or invalid (signed with a key
 * the server no longer uses, after a JWT_SECRET rotation). The refresh token still decides: the client
 * refreshes once and sends the call again; a refused refresh ends the session.
 */
export function isRefreshableAccessTokenError(error: unknown): boolean {
  return (
    isUnwrappedClientError(error) &&
    error.data?.code === "UNAUTHORIZED" &&
    (error.data.authReason === "token_expired" || error.data.authReason === "token_invalid")
  );
}

/**
 * The server no longer accepts this session (the refresh failed, or the token is missing or invalid):
 * only signing in again helps.
 */
export function isSessionEndedError(error: unknown): boolean {
  return errorCode(error) === "UNAUTHORIZED" && !isExpiredAccessTokenError(error);
}

/** Wraps the failed refresh so the original call fails with a message that says what to do. */
export function sessionEndedError(refreshError: UnwrappedClientError): UnwrappedClientError {
  return new TRPCClientError<AppRouter>("Your session has ended. Sign in again.", {
    ...(refreshError.shape ? { result: { error: refreshError.shape } } : {}),
    cause: refreshError,
    meta: { sessionEnded: true },
  });
}

/** A one-line message a person can act on, for any error a client call or a sign-in throws. */
export function describeError(error: unknown): string {
  const unreachable = findInCauses(error, (cause) => cause instanceof ServerUnreachableError);
  if (unreachable) return oneLine(unreachable.message);
  if (isUnwrappedClientError(error)) {
    const fieldErrors = error.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined;
    const fields = Object.entries(fieldErrors ?? {}).flatMap(([field, messages]) =>
      (messages ?? []).map((message) => `${field}: ${message}`),
    );
    if (fields.length > 0) return oneLine(`Invalid input (${fields.join("; ")}).`);
    if (!error.data && /transform response|JSON/i.test(error.message)) {
      return "The server answered with something that is not the unwrapped API. Check the server URL.";
    }
  }
  if (error instanceof Error) return oneLine(error.message || error.name);
  return oneLine(String(error));
}

function findInCauses(error: unknown, match: (cause: Error) => boolean): Error | null {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    if (match(current)) return current;
    current = current.cause;
  }
  return null;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

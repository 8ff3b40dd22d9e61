/**
 * The domain errors services throw. The api package maps `code` to a tRPC code in one middleware;
 * `message` is written for a person and is safe to show to the client that caused it. Internal detail
 * belongs in `cause`, which is logged and never sent.
 */
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "RATE_LIMITED"
  | "UPSTREAM_FAILED"
  | "UNAVAILABLE"
  | "INTERNAL";

export interface AppErrorOptions {
  readonly cause?: unknown;
}

export class AppError extends Error {
  override name = "AppError";
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export class ValidationError extends AppError {
  override name = "ValidationError";
  constructor(message: string, options?: AppErrorOptions) {
    super("BAD_REQUEST", message, options);
  }
}

/** Why a request was not authenticated; clients refresh their access token on "token_expired". */
export type UnauthenticatedReason =
  | "missing"
  | "token_expired"
  | "token_invalid"
  | "session_ended"
  | "code_invalid";

export class UnauthenticatedError extends AppError {
  override name = "UnauthenticatedError";
  readonly reason: UnauthenticatedReason;
  constructor(
    message = "Sign in to continue.",
    options: AppErrorOptions & { reason?: UnauthenticatedReason } = {},
  ) {
    super("UNAUTHENTICATED", message, options);
    this.reason = options.reason ?? "token_invalid";
  }
}

export class ForbiddenError extends AppError {
  override name = "ForbiddenError";
  constructor(message: string, options?: AppErrorOptions) {
    super("FORBIDDEN", message, options);
  }
}

export class NotFoundError extends AppError {
  override name = "NotFoundError";
  constructor(message: string, options?: AppErrorOptions) {
    super("NOT_FOUND", message, options);
  }
}

export class ConflictError extends AppError {
  override name = "ConflictError";
  constructor(message: string, options?: AppErrorOptions) {
    super("CONFLICT", message, options);
  }
}

export class PreconditionFailedError extends AppError {
  override name = "PreconditionFailedError";
  constructor(message: string, options?: AppErrorOptions) {
    super("PRECONDITION_FAILED", message, options);
  }
}

export class RateLimitedError extends AppError {
  override name = "RateLimitedError";
  /** Whole seconds until a retry may succeed. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: AppErrorOptions) {
    super("RATE_LIMITED", message, options);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/**
 * A dependency outside our process (Spotify, the LLM) failed. `retryable` says whether the same call
 * may succeed later (network errors, 429, 5xx) or never will (bad credentials, a malformed answer).
 */
export class UpstreamError extends AppError {
  override name = "UpstreamError";
  readonly retryable: boolean;
  /** HTTP status of the upstream answer, when there was one. */
  readonly status: number | undefined;
  /** How long the upstream asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: AppErrorOptions & { retryable: boolean; status?: number; retryAfterMs?: number },
  ) {
    super("UPSTREAM_FAILED", message, options);
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Spotify no longer accepts the user's refresh token: only signing in again helps. */
export class ReauthorizationRequiredError extends UpstreamError {
  override name = "ReauthorizationRequiredError";
  constructor(
    message = "Spotify access has expired or was revoked. Sign in again to continue.",
    options?: AppErrorOptions,
  ) {
    super(message, { ...options, retryable: false });
  }
}

/**
 * Spotify answered 403 for a user its development-mode app does not admit: the app's owner has not added
 * them in the developer dashboard (at most five users). Final: only the owner can change it.
 */
export class SpotifyUserNotRegisteredError extends UpstreamError {
  override name = "SpotifyUserNotRegisteredError";
  constructor(
    message = "This app is in Spotify's development mode and is limited to listeners its owner has added. Ask the owner to add your Spotify account in the Spotify developer dashboard.",
    options?: AppErrorOptions,
  ) {
    super(message, { ...options, retryable: false, status: 403 });
  }
}

/**
 * Spotify's quota error (429 with reason QUOTA_EXCEEDED): the app used up its request quota. Not waited
 * out request by request: it lasts far longer than a rate limit. `retryAfterMs` says when, if Spotify did.
 */
export class SpotifyQuotaExceededError extends UpstreamError {
  override name = "SpotifyQuotaExceededError";
  constructor(
    message = "This app has used up its Spotify request quota for now. Try again later.",
    options: AppErrorOptions & { retryAfterMs?: number } = {},
  ) {
    super(message, { ...options, retryable: false, status: 429 });
  }
}

/** Our own infrastructure (the database) is unreachable for now. */
export class UnavailableError extends AppError {
  override name = "UnavailableError";
  constructor(
    message = "The service is temporarily unavailable. Try again in a moment.",
    options?: AppErrorOptions,
  ) {
    super("UNAVAILABLE", message, options);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

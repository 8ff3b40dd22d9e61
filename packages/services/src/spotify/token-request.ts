import { UpstreamError } from "../errors.js";
import {
  backoffDelay,
  defaultRetryPolicy,
  type HttpDependencies,
  parseRetryAfter,
  type RetryPolicy,
} from "../http/retry.js";

/** A token endpoint answer, read in full within the attempt's timeout. */
export interface TokenEndpointAnswer {
  readonly status: number;
  readonly text: string;
}

export interface TokenRequestOptions {
  /** What is being requested, for error messages: "Spotify token refresh". */
  readonly description: string;
  readonly policy?: RetryPolicy | undefined;
}

/**
 * Error codes of a connection that failed before any byte of the request could be written: no route,
 * no name, nobody listening, no TCP or TLS connection. Such a request cannot have reached the server.
 */
const NEVER_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Whether a fetch failure happened while connecting, so the server cannot have seen the request. */
export function failedBeforeSending(error: unknown, seen = new Set<unknown>()): boolean {
  if (typeof error !== "object" || error === null || seen.has(error)) return false;
  seen.add(error);
  const { code, syscall, message } = error as { code?: unknown; syscall?: unknown; message?: unknown };
  if (typeof code === "string" && NEVER_CONNECTED.has(code)) return true;
  if (code === "ECONNRESET" || code === "EPIPE") {
    // Reset while the TCP or TLS connection was being set up: no request bytes had gone out yet.
    if (syscall === "connect") return true;
    if (typeof message === "string" && message.includes("before secure TLS connection was established"))
      return true;
  }
  const nested = error instanceof AggregateError ? error.errors : [];
  return [(error as { cause?: unknown }).cause, ...nested].some((inner) => failedBeforeSending(inner, seen));
}

/**
 * One POST to the OAuth token endpoint. Unlike a Web API read, a token request is not idempotent: a
 * code is single use, and a server that rotates refresh tokens with reuse detection revokes the whole
 * grant when a rotated-away token comes back. So it is retried only when it cannot have taken effect:
 * the connection failed before the request was sent, or the server answered 429 or 503 with Retry-After
 * (it refused before acting and said when to come back; waits above maxRetryAfterMs are not taken
 * here). A timeout, a connection lost after sending, a 5xx, or a 429/503 without Retry-After is not
 * retried: the error is retryable, for a later, deliberate attempt (the analysis queue's backoff).
 */
export async function postTokenRequest(
  url: string,
  init: RequestInit,
  options: TokenRequestOptions,
  http: HttpDependencies,
): Promise<TokenEndpointAnswer> {
  const policy = options.policy ?? defaultRetryPolicy;
  const { description } = options;
  let wait = 0;
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) await http.timers.sleep(wait);
    const signal = http.timers.timeout(policy.timeoutMs);
    let answer: TokenEndpointAnswer;
    let retryAfter: string | null;
    try {
      const response = await http.fetch(url, { ...init, signal });
      retryAfter = response.headers.get("retry-after");
      answer = { status: response.status, text: await response.text() };
    } catch (cause) {
      const retry = !signal.aborted && failedBeforeSending(cause) && attempt < policy.maxAttempts;
      if (retry) {
        wait = backoffDelay(attempt, policy, http.random);
        continue;
      }
      const message = signal.aborted
        ? `${description} did not answer within ${policy.timeoutMs} ms`
        : `${description} could not be reached`;
      throw new UpstreamError(message, { cause, retryable: true });
    }

    if (answer.status !== 429 && answer.status < 500) return answer;
    const retryAfterMs =
      answer.status === 429 || answer.status === 503
        ? parseRetryAfter(retryAfter, http.clock.now())
        : undefined;
    const error = new UpstreamError(
      answer.status === 429
        ? `${description} is rate limited by Spotify`
        : `${description} failed with HTTP ${answer.status}`,
      { retryable: true, status: answer.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
    if (retryAfterMs === undefined || retryAfterMs > policy.maxRetryAfterMs || attempt >= policy.maxAttempts)
      throw error;
    wait = retryAfterMs;
  }
}

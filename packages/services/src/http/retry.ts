import { type Clock, systemClock, systemTimers, type Timers } from "../clock.js";
import { SpotifyQuotaExceededError, UpstreamError } from "../errors.js";
import type { RequestBudget } from "../spotify/spotify-budget.js";
import { isQuotaExceeded } from "../spotify/web-api-errors.js";

export interface RetryPolicy {
  /** Total tries, the first included. */
  readonly maxAttempts: number;
  /** Backoff before retry n (1-based) is a random delay in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))]. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A 429 asking us to wait longer than this is not waited out here; the caller gets a retryable error. */
  readonly maxRetryAfterMs: number;
  /** Per-request timeout, each attempt on its own. */
  readonly timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 5_000,
  timeoutMs: 10_000,
};

export interface HttpDependencies {
  readonly fetch: typeof fetch;
  /** Reads Retry-After dates. */
  readonly clock: Clock;
  /** Backoff waits and per-request timeouts. */
  readonly timers: Timers;
  /** [0, 1): the jitter source, fixed in tests. */
  readonly random: () => number;
}

export const defaultHttpDependencies: HttpDependencies = {
  fetch: (input, init) => fetch(input, init),
  clock: systemClock,
  timers: systemTimers,
  random: Math.random,
};

/** "Full jitter" exponential backoff (AWS architecture blog): spreads retries of many clients apart. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

export interface RequestOptions {
  /** What is being requested, for error messages: "Spotify top artists". */
  readonly description: string;
  readonly policy?: RetryPolicy | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A budget shared with other processes: asked before every attempt, told of every 429. */
  readonly budget?: RequestBudget | undefined;
  /** Told how each attempt ended (metrics). */
  readonly observe?: ((outcome: RequestOutcome) => void) | undefined;
}

export type RequestOutcome =
  | "ok"
  | "client_error"
  | "rate_limited"
  | "quota_exceeded"
  | "server_error"
  | "network_error";

/**
 * fetch with a timeout per attempt, retries with full-jitter backoff on network errors and 5xx, and
 * 429s waited out for as long as Retry-After says (up to `maxRetryAfterMs`). Returns the first response
 * that is neither 5xx nor 429; everything else becomes an UpstreamError that says whether retrying later
 * can help. Only idempotent requests, or ones the server rejects before acting (429), may come here.
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  options: RequestOptions,
  dependencies: HttpDependencies = defaultHttpDependencies,
): Promise<Response> {
  const policy = options.policy ?? defaultRetryPolicy;
  let lastError: UpstreamError | undefined;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (attempt > 1 && lastError) {
      // A budget waits out a Retry-After itself (the pause it was told of), for every process at once.
      const wait =
        lastError.status === 429 && lastError.retryAfterMs !== undefined
          ? options.budget
            ? 0
            : lastError.retryAfterMs
          : undefined;
      await dependencies.timers.sleep(
        wait ?? backoffDelay(attempt - 1, policy, dependencies.random),
        options.signal,
      );
    }
    await options.budget?.acquire(options.signal, policy.maxRetryAfterMs);
    const timeout = dependencies.timers.timeout(policy.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await dependencies.fetch(url, { ...init, signal });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      options.observe?.("network_error");
      const timedOut = timeout.aborted;
      lastError = new UpstreamError(
        timedOut
          ? `${options.description} did not answer within ${policy.timeoutMs} ms`
          : `${options.description} could not be reached`,
        { cause, retryable: true },
      );
      continue;
    }
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), dependencies.clock.now());
      // A used-up quota lasts far longer than a rate limit: not waited out here.
      if (isQuotaExceeded(429, await response.text().catch(() => ""))) {
        options.observe?.("quota_exceeded");
        throw new SpotifyQuotaExceededError(undefined, retryAfterMs === undefined ? {} : { retryAfterMs });
      }
      options.observe?.("rate_limited");
      // Spotify limits the app as a whole: every process holds off, not only this request.
      if (retryAfterMs !== undefined) await options.budget?.pause(retryAfterMs);
      lastError = new UpstreamError(`${options.description} is rate limited by Spotify`, {
        retryable: true,
        status: 429,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) throw lastError;
      continue;
    }
    if (response.status >= 500) {
      options.observe?.("server_error");
      await response.body?.cancel();
      lastError = new UpstreamError(`${options.description} failed with HTTP ${response.status}`, {
        retryable: true,
        status: response.status,
      });
      continue;
    }
    options.observe?.(response.ok ? "ok" : "client_error");
    return response;
  }
  throw lastError ?? new UpstreamError(`${options.description} failed`, { retryable: true });
}

/** Reads a JSON body; a body that is not JSON is a final upstream error (retrying returns the same). */
export async function readJson(response: Response, description: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UpstreamError(`${description} returned a malformed response`, {
      cause,
      retryable: false,
      status: response.status,
    });
  }
}

import type { RateLimitRule } from "@unwrapped/config";
import type { Clock } from "../clock.js";
import { RateLimitedError } from "../errors.js";

/** The named limits: each entry point says which bucket a request draws from. */
export type RateLimitBucket = "signIn" | "auth";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept per rule; beyond this the least recently used client is forgotten (it starts full again). */
const MAX_CLIENTS = 50_000;

/**
 * Per-client token buckets, in the process: a client may spend `burst` requests at once, refilled at
 * `perMinute`. The one rate limiter of the server: tRPC procedures (a middleware), the sign-in routes and
 * any other entry point draw from it by bucket name and client address. Memory is bounded (LRU).
 */
export class RateLimiter {
  readonly #rules: Readonly<Record<RateLimitBucket, RateLimitRule>>;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(rules: Readonly<Record<RateLimitBucket, RateLimitRule>>, clock: Clock) {
    this.#rules = rules;
    this.#clock = clock;
  }

  /** Takes one token for `client` from `bucket`, or throws RateLimitedError saying when one is back. */
  take(bucket: RateLimitBucket, client: string): void {
    const rule = this.#rules[bucket];
    const now = this.#clock.now().getTime();
    const key = `${bucket} ${client}`;
    const perMs = rule.perMinute / 60_000;
    const state = this.#buckets.get(key) ?? { tokens: rule.burst, updatedAt: now };
    this.#buckets.delete(key); // re-inserted below: Map order is the LRU order
    state.tokens = Math.min(rule.burst, state.tokens + Math.max(0, now - state.updatedAt) * perMs);
    state.updatedAt = now;
    if (state.tokens < 1) {
      this.#remember(key, state);
      throw new RateLimitedError(
        "Too many requests from your address. Wait a moment and try again.",
        (1 - state.tokens) / perMs / 1000,
      );
    }
    state.tokens -= 1;
    this.#remember(key, state);
  }

  #remember(key: string, state: Bucket): void {
    this.#buckets.set(key, state);
    if (this.#buckets.size > MAX_CLIENTS) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
  }
}

import { systemTimers, type Timers } from "../../src/clock.js";
import { defaultHttpDependencies, type HttpDependencies } from "../../src/http/retry.js";

/**
 * Timers whose sleeps end at once and are recorded, and whose timeouts are real (they only matter when
 * something hangs): for code whose backoff a test looks at, or wants skipped.
 */
export function recordingTimers(): Timers & { readonly sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
    },
    timeout: (ms) => systemTimers.timeout(ms),
  };
}

/** Real fetch, retries without waiting. */
export function noWaitingHttp(): HttpDependencies {
  return { ...defaultHttpDependencies, timers: recordingTimers() };
}

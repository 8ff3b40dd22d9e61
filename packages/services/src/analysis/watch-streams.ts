import type { RevocationList } from "../auth/revocation-list.js";
import { RateLimitedError } from "../errors.js";

export interface WatchStreamLimits {
  /** WATCH_STREAMS_PER_USER: open streams one user may hold. */
  readonly perUser: number;
  /** WATCH_STREAMS_MAX: open streams of the whole process. */
  readonly max: number;
}

/** One open analysis.watch stream: its signal aborts when its session is revoked; release it at its end. */
export interface WatchStreamLease {
  readonly signal: AbortSignal;
  release(): void;
}

/**
 * The open analysis.watch streams of this process. Over the per-user or the process cap, the next
 * stream is refused (TOO_MANY_REQUESTS; the open ones keep running, so a client cannot take over another
 * tab's stream). A stream whose session family is revoked (logout, refresh-token reuse, account
 * deletion, on any process) is ended through its lease's signal.
 */
export class WatchStreams {
  readonly #limits: WatchStreamLimits;
  readonly #byUser = new Map<string, number>();
  readonly #bySession = new Map<string, Set<AbortController>>();
  #open = 0;

  constructor(limits: WatchStreamLimits, revocations: RevocationList) {
    this.#limits = limits;
    revocations.onRevoked((familyId) => {
      for (const controller of this.#bySession.get(familyId) ?? []) controller.abort();
    });
  }

  /** Throws RateLimitedError when the user, or the process, already holds as many as allowed. */
  assertCanOpen(userId: string): void {
    if ((this.#byUser.get(userId) ?? 0) >= this.#limits.perUser) {
      throw new RateLimitedError(
        `You already follow ${this.#limits.perUser} analyses at once; close one (another tab?) and try again.`,
        5,
      );
    }
    if (this.#open >= this.#limits.max) {
      throw new RateLimitedError("The server follows too many analyses right now; try again shortly.", 5);
    }
  }

  open(userId: string, sessionId: string): WatchStreamLease {
    this.assertCanOpen(userId);
    const controller = new AbortController();
    this.#byUser.set(userId, (this.#byUser.get(userId) ?? 0) + 1);
    let session = this.#bySession.get(sessionId);
    if (!session) {
      session = new Set();
      this.#bySession.set(sessionId, session);
    }
    session.add(controller);
    this.#open++;
    let released = false;
    return {
      signal: controller.signal,
      release: () => {
        if (released) return;
        released = true;
        this.#open--;
        const count = (this.#byUser.get(userId) ?? 1) - 1;
        if (count === 0) this.#byUser.delete(userId);
        else this.#byUser.set(userId, count);
        const current = this.#bySession.get(sessionId);
        current?.delete(controller);
        if (current?.size === 0) this.#bySession.delete(sessionId);
      },
    };
  }

  get openCount(): number {
    return this.#open;
  }
}

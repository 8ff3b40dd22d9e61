import type { DatabaseHandle, Unlisten } from "@unwrapped/db";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { SESSION_REVOKED_CHANNEL } from "../queue/channels.js";

/**
 * Session families revoked (logout, refresh-token reuse, account deletion), known to every server process
 * within a moment: each revocation is NOTIFYed on SESSION_REVOKED_CHANNEL by the statement that made it,
 * and every process keeps the families in memory until their access tokens have expired (revokedAt +
 * access token TTL). Checking a token costs a map lookup, never a database read.
 *
 * After the LISTEN connection was re-established, notifications in between are lost: `onResync`
 * listeners then forget what they trusted (the verified-token cache re-checks each token's session once).
 */
export class RevocationList {
  readonly #database: DatabaseHandle;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #logger: Logger;
  /** family id -> when its last access token expires (ms); after that the entry is dropped. */
  readonly #revoked = new Map<string, number>();
  readonly #revokedListeners = new Set<(familyId: string) => void>();
  readonly #resyncListeners = new Set<() => void>();
  #listening: Promise<Unlisten> | undefined;
  #subscribedOnce = false;

  constructor(database: DatabaseHandle, clock: Clock, accessTokenTtlSeconds: number, logger: Logger) {
    this.#database = database;
    this.#clock = clock;
    this.#ttlMs = accessTokenTtlSeconds * 1000;
    this.#logger = logger;
  }

  /**
   * Starts listening (once) and resolves when revocations of other processes arrive. Never rejects: while
   * LISTEN cannot be set up (the database is away) this process still knows its own revocations, each
   * new token's session is still checked, and the next call tries again.
   */
  async ready(): Promise<void> {
    try {
      await this.#listen();
    } catch (error) {
      this.#logger.warn({ err: error }, "revocation list: LISTEN failed; will retry");
    }
  }

  #listen(): Promise<Unlisten> {
    this.#listening ??= this.#database
      .listen(SESSION_REVOKED_CHANNEL, (payload) => this.#add(payload), {
        onSubscribed: () => {
          if (this.#subscribedOnce) {
            this.#logger.info("revocation list resynchronised after a reconnect");
            for (const listener of this.#resyncListeners) listener();
          }
          this.#subscribedOnce = true;
        },
      })
      .catch((error: unknown) => {
        this.#listening = undefined;
        throw error;
      });
    return this.#listening;
  }

  /** Records a revocation made in this process at once (its NOTIFY reaches the others). */
  revoked(familyIds: readonly string[]): void {
    for (const familyId of familyIds) this.#add(familyId);
  }

  isRevoked(familyId: string): boolean {
    const until = this.#revoked.get(familyId);
    if (until === undefined) return false;
    if (until > this.#clock.now().getTime()) return true;
    this.#revoked.delete(familyId);
    return false;
  }

  /** Calls `listener` with each family revoked from now on (watch streams end theirs). */
  onRevoked(listener: (familyId: string) => void): () => void {
    this.#revokedListeners.add(listener);
    return () => this.#revokedListeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  get size(): number {
    return this.#revoked.size;
  }

  async close(): Promise<void> {
    const listening = this.#listening;
    this.#listening = undefined;
    if (listening) await (await listening.catch(() => async () => {}))();
  }

  #add(familyId: string): void {
    const now = this.#clock.now().getTime();
    this.#revoked.set(familyId, now + this.#ttlMs);
    if (this.#revoked.size % 1024 === 0) this.#sweep(now);
    for (const listener of this.#revokedListeners) listener(familyId);
  }

  #sweep(now: number): void {
    for (const [familyId, until] of this.#revoked) if (until <= now) this.#revoked.delete(familyId);
  }
}

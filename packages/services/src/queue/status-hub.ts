import type { DatabaseHandle, Unlisten } from "@unwrapped/db";
import type { Logger } from "pino";
import { STATUS_CHANNEL } from "./channels.js";
import { parseStatusEvent, type StatusEvent } from "./status-event.js";

/** A status change, or "resync": the connection was re-established and events may have been missed. */
export type HubEvent = StatusEvent | "resync";

/**
 * Fans status NOTIFYs out to the watchers in this process: one LISTEN per process however many
 * subscriptions are open, and one JSON parse per notification, dispatched by analysis id.
 */
export class StatusHub {
  readonly #database: DatabaseHandle;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<(event: HubEvent) => void>>();
  #listening: Promise<Unlisten> | undefined;
  #subscribedOnce = false;

  constructor(database: DatabaseHandle, logger: Logger) {
    this.#database = database;
    this.#logger = logger;
  }

  /** Calls `listener` for every change of the analysis until the returned function is called. */
  async subscribe(analysisId: string, listener: (event: HubEvent) => void): Promise<() => void> {
    let set = this.#listeners.get(analysisId);
    if (!set) {
      set = new Set();
      this.#listeners.set(analysisId, set);
    }
    set.add(listener);
    try {
      await this.#ensureListening();
    } catch (error) {
      set.delete(listener);
      throw error;
    }
    return () => {
      const current = this.#listeners.get(analysisId);
      current?.delete(listener);
      if (current?.size === 0) this.#listeners.delete(analysisId);
    };
  }

  get subscriptionCount(): number {
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }

  async close(): Promise<void> {
    const listening = this.#listening;
    this.#listening = undefined;
    if (listening) await (await listening.catch(() => async () => {}))();
  }

  #ensureListening(): Promise<Unlisten> {
    this.#listening ??= this.#database
      .listen(STATUS_CHANNEL, (payload) => this.#dispatch(payload), {
        onSubscribed: () => {
          if (this.#subscribedOnce) this.#broadcast("resync");
          this.#subscribedOnce = true;
        },
      })
      .catch((error: unknown) => {
        this.#listening = undefined;
        throw error;
      });
    return this.#listening;
  }

  #dispatch(payload: string): void {
    let event: StatusEvent;
    try {
      event = parseStatusEvent(payload);
    } catch (error) {
      this.#logger.warn({ err: error }, "ignoring an unreadable status notification");
      return;
    }
    const listeners = this.#listeners.get(event.analysisId);
    if (!listeners) return;
    for (const listener of listeners) listener(event);
  }

  #broadcast(event: HubEvent): void {
    for (const listeners of this.#listeners.values()) for (const listener of listeners) listener(event);
  }
}

import { randomToken } from "../crypto/random-token.js";
import type { AnalysisQueue, ClaimedTask } from "../queue/analysis-queue.js";
import type { TasteProfile, Verdict } from "./types.js";

/** 24 random bytes: 192 bits, 32 URL-safe characters. */
export const SHARE_TOKEN_BYTES = 24;

/**
 * Writes the verdict, the profile and a new share token in one statement, guarded by the lease.
 * Returns false when the lease was lost: the result is dropped, never written twice.
 */
export class Persister {
  readonly #queue: AnalysisQueue;

  constructor(queue: AnalysisQueue) {
    this.#queue = queue;
  }

  save(task: ClaimedTask, profile: TasteProfile, verdict: Verdict): Promise<boolean> {
    return this.#queue.complete(task, {
      judge: verdict.judge,
      profile,
      label: verdict.label,
      description: verdict.description,
      criticalAcclaim: verdict.criticalAcclaim,
      mainstream: verdict.mainstream,
      shareToken: randomToken(SHARE_TOKEN_BYTES),
    });
  }
}

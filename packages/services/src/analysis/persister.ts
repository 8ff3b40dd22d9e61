import type { JudgeKind } from "@unwrapped/db";
import type { AnalysisQueue, ClaimedTask } from "../queue/analysis-queue.js";
import { createShareToken } from "../share/share-token.js";
import type { TasteProfile } from "./taste-profile.js";
import type { Verdict } from "./types.js";

/** What a completed analysis stores: the verdict, the profile it was made from, and its share token. */
export interface StoredResult {
  readonly judge: JudgeKind;
  readonly profile: TasteProfile;
  readonly label: string;
  readonly description: string;
  readonly criticalAcclaim: number | null;
  readonly mainstream: number | null;
  readonly shareToken: string;
  /** The LLM prompt's version; null for the rules judge. */
  readonly promptVersion: string | null;
}

/**
 * Writes the result of an analysis: the verdict, the profile and a new share token, stored by the
 * queue's completing transition in one statement, guarded by the lease. Returns false when the lease
 * was lost: the result is dropped, never written twice.
 */
export class Persister {
  readonly #queue: AnalysisQueue;

  constructor(queue: AnalysisQueue) {
    this.#queue = queue;
  }

  save(task: ClaimedTask, profile: TasteProfile, verdict: Verdict): Promise<boolean> {
    return this.#queue.complete(task, storedResultOf(profile, verdict));
  }
}

export function storedResultOf(profile: TasteProfile, verdict: Verdict): StoredResult {
  return {
    judge: verdict.judge,
    profile,
    label: verdict.label,
    description: verdict.description,
    criticalAcclaim: verdict.criticalAcclaim,
    mainstream: verdict.mainstream,
    shareToken: createShareToken(),
    promptVersion: verdict.promptVersion ?? null,
  };
}

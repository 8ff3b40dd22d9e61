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
  readonly #afterComplete: AfterComplete | undefined;

  /** `afterComplete` runs once the result is stored (the standings); its failure never fails the analysis. */
  constructor(queue: AnalysisQueue, afterComplete?: AfterComplete) {
    this.#queue = queue;
    this.#afterComplete = afterComplete;
  }

  async save(task: ClaimedTask, profile: TasteProfile, verdict: Verdict): Promise<boolean> {
    const result = storedResultOf(profile, verdict);
    const saved = await this.#queue.complete(task, result);
    if (saved) await this.#afterComplete?.(task, result);
    return saved;
  }
}

export type AfterComplete = (task: ClaimedTask, result: StoredResult) => Promise<void>;

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

import {
  type Analysis,
  analyses,
  analysisStage,
  analysisStatus,
  judgeKind,
  verdictTone,
} from "@unwrapped/db";
import { z } from "zod";
import { shareUrlFor } from "../share/share-token.js";
import { Standings } from "../standings/standings-service.js";
import { Timestamp } from "../timestamp.js";
import { Share, TasteProfile } from "./taste-profile.js";

/**
 * What clients see of an analysis: the one definition of each shape (the routers validate their output
 * with these schemas, the client's types are inferred from them), and the mappings from a row.
 */

/** The voice of a verdict: gentle, balanced (the default) or savage. */
export const Tone = z.enum(verdictTone.enumValues);
/** Every tone, gentlest first. */
export const TONES = Tone.options;
export type Tone = z.infer<typeof Tone>;
export const DEFAULT_TONE: Tone = "balanced";

/** A score in [0, 1], or null when there is too little listening to judge. */
const Score = Share.nullable();

export const AnalysisStatus = z.object({
  analysisId: z.uuid(),
  status: z.enum(analysisStatus.enumValues),
  stage: z.enum(analysisStage.enumValues),
  progress: z
    .number()
    .min(0)
    .max(1)
    .meta({ description: "From 0 to 1.", examples: [0.4] }),
  attempts: z.number().int().min(0),
  /** Why the analysis failed, or why it is waiting to be retried. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  completedAt: Timestamp.nullable(),
  /** A sentence for a person when something outside the analysis holds it up (no live worker), else null. */
  hint: z.string().nullable(),
  /** While an LLM verdict is being written: the text so far; else null. */
  draft: z.string().nullable(),
});
export type AnalysisStatus = z.infer<typeof AnalysisStatus>;

export const AnalysisResult = z.object({
  analysisId: z.uuid(),
  label: z.string().meta({ description: "2–4 words, upper case.", examples: ["NOSTALGIC MILLENNIAL"] }),
  description: z.string().meta({ description: "The verdict, 120–400 words." }),
  /** null when there is too little listening to judge. */
  criticalAcclaim: Score,
  /** null when there is too little listening to judge. */
  mainstream: Score,
  judge: z.enum(judgeKind.enumValues),
  tone: Tone,
  profile: TasteProfile,
  /** null while sharing is revoked (share.rotate makes a new link). */
  shareToken: z.string().nullable(),
  shareUrl: z.string().nullable(),
  analyzedAt: Timestamp,
  /** Where this verdict stands among this deployment's listeners; null below MIN_STANDINGS_LISTENERS. */
  standings: Standings.nullable(),
});
export type AnalysisResult = z.infer<typeof AnalysisResult>;

export const HistoryPage = z.object({
  items: z.array(AnalysisStatus).readonly(),
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

export const TERMINAL_STATUSES: readonly AnalysisStatus["status"][] = ["completed", "failed"];

/**
 * The columns an AnalysisStatus is made from: the one list that the status lookups select, the queue's
 * transitions return, and their NOTIFY payload carries. Polling status never reads the profile or the
 * verdict.
 */
export const statusColumns = {
  id: analyses.id,
  status: analyses.status,
  stage: analyses.stage,
  progress: analyses.progress,
  attempts: analyses.attempts,
  errorCode: analyses.errorCode,
  errorMessage: analyses.errorMessage,
  createdAt: analyses.createdAt,
  startedAt: analyses.startedAt,
  completedAt: analyses.completedAt,
  draft: analyses.draft,
};

export type AnalysisStatusRow = Pick<Analysis, keyof typeof statusColumns>;

export function toAnalysisStatus(row: AnalysisStatusRow): AnalysisStatus {
  return {
    analysisId: row.id,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    attempts: row.attempts,
    error: row.errorCode
      ? { code: row.errorCode, message: row.errorMessage ?? "The analysis failed." }
      : null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    hint: null,
    draft: row.draft,
  };
}

export function toAnalysisResult(
  row: Analysis,
  publicUrl: string,
  standings: Standings | null = null,
): AnalysisResult {
  const shared = row.shareToken !== null && row.shareRevokedAt === null;
  return {
    analysisId: row.id,
    label: row.label ?? "",
    description: row.description ?? "",
    criticalAcclaim: row.criticalAcclaim,
    mainstream: row.mainstream,
    judge: row.judge ?? "rules",
    tone: row.tone,
    profile: row.profile as TasteProfile,
    shareToken: shared ? row.shareToken : null,
    shareUrl: shared && row.shareToken ? shareUrlFor(publicUrl, row.shareToken) : null,
    analyzedAt: row.completedAt ?? row.createdAt,
    standings,
  };
}

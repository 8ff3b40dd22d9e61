/**
 * The analysis router's schemas: its inputs are defined here; its outputs are the domain's shapes,
 * defined once in @unwrapped/services and re-exported so the router finds all its schemas next to it.
 */
import { Tone } from "@unwrapped/services";
import { z } from "zod";

export { AnalysisResult, AnalysisStatus, HistoryPage } from "@unwrapped/services";

const AnalysisId = z.uuid("analysisId must be a UUID");

export const BeginAnalysisInput = z
  .object({
    /** Start a new analysis even when a completed one exists (rate limited per user). */
    fresh: z.boolean().optional(),
    /** The voice of the verdict: gentle, balanced (default) or savage. */
    tone: Tone.optional(),
  })
  .optional();
export const AnalysisLookupInput = z.object({ analysisId: AnalysisId.optional() }).optional();
export const WatchAnalysisInput = z
  .object({
    analysisId: AnalysisId.optional(),
    /** Set by the SSE client on reconnect: events up to this one are not sent again. */
    lastEventId: z.string().max(32).nullish(),
  })
  .optional();
export const HistoryInput = z
  .object({
    cursor: z.string().max(256).optional(),
    limit: z.number().int().min(1).max(50).optional(),
  })
  .optional();

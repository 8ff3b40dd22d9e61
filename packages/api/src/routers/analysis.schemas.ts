import { z } from "zod";

/**
 * The analysis router's schemas: its inputs are defined here; its outputs are the domain's shapes,
 * defined once in @unwrapped/services and re-exported so the router finds all its schemas next to it.
 */
export { AnalysisResult, AnalysisStatus, HistoryPage } from "@unwrapped/services";

const AnalysisId = z.uuid("analysisId must be a UUID");

export const BeginAnalysisInput = z.object({ fresh: z.boolean().optional() }).optional();
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

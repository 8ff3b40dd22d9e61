/**
 * The analysis router's schemas: its inputs are defined here; its outputs are the domain's shapes,
 * defined once in @unwrapped/services and re-exported so the router finds all its schemas next to it.
 */
import { Tone } from "@unwrapped/services";
import { z } from "zod";

export { AnalysisResult, AnalysisStatus, HistoryPage } from "@unwrapped/services";

const AnalysisId = z.uuid("analysisId must be a UUID").meta({
  description: "An analysis of the signed-in user; default: the latest.",
  examples: ["0f8fad5b-d9cb-469f-a165-70867728950e"],
});

export const BeginAnalysisInput = z
  .object({
    /** Start a new analysis even when a completed one exists (rate limited per user). */
    fresh: z.boolean().optional().meta({
      description: "Start a new analysis even when a completed one exists (rate limited per user).",
    }),
    /** The voice of the verdict: gentle, balanced (default) or savage. */
    tone: Tone.optional().meta({
      description: "The voice of the verdict (default balanced).",
      examples: ["savage"],
    }),
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
    cursor: z
      .string()
      .max(256)
      .optional()
      .meta({ description: "The `nextCursor` of the previous page; omit for the first page." }),
    limit: z
      .number()
      .int()
      .min(1)
      .max(50)
      .optional()
      .meta({ description: "Items per page (default 20).", examples: [20] }),
  })
  .optional();

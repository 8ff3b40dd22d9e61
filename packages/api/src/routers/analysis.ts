import { type TRPCRouterRecord, tracked } from "@trpc/server";
import { z } from "zod";
import { toClientError } from "../error-mapping.js";
import { protectedProcedure } from "../trpc.js";
import {
  AnalysisLookupInput,
  AnalysisResult,
  AnalysisStatus,
  BeginAnalysisInput,
  HistoryInput,
  HistoryPage,
  WatchAnalysisInput,
} from "./analysis.schemas.js";

export const analysisRouter = {
  /** Idempotent: the active analysis, else the latest completed one (unless `fresh`), else a new one. */
  begin: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/analysis/begin",
        tags: ["analysis"],
        summary: "Start an analysis, or get the active or latest one",
      },
    })
    .input(BeginAnalysisInput)
    .output(AnalysisStatus)
    .mutation(({ ctx, input }) =>
      ctx.services.analyses.begin(ctx.user.id, {
        fresh: input?.fresh ?? false,
        tone: input?.tone,
      }),
    ),

  status: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/analysis/status",
        tags: ["analysis"],
        summary: "Where an analysis stands (default: the latest)",
      },
    })
    .input(AnalysisLookupInput)
    .output(AnalysisStatus)
    .query(({ ctx, input }) => ctx.services.analyses.status(ctx.user.id, input?.analysisId)),

  result: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/analysis/result",
        tags: ["analysis"],
        summary: "The verdict of a completed analysis (default: the latest)",
      },
    })
    .input(AnalysisLookupInput)
    .output(AnalysisResult)
    .query(({ ctx, input }) => ctx.services.analyses.result(ctx.user.id, input?.analysisId)),

  /** One AnalysisStatus per change over SSE, ending after completed or failed; resumable by event id. */
  watch: protectedProcedure
    .meta({
      eventStream: {
        path: "/analysis/{id}/events",
        tags: ["analysis"],
        summary: "Follow an analysis: one AnalysisStatus event per change",
        description: "The first event is the current status (unless Last-Event-ID is already the latest).",
        event: AnalysisStatus,
        pathParameters: z.object({ id: z.uuid() }),
        input: ({ id }, lastEventId) => ({ analysisId: id, lastEventId }),
      },
    })
    .input(WatchAnalysisInput)
    .subscription(({ ctx, input, signal, path }) => {
      ctx.services.watchStreams.assertCanOpen(ctx.user.id); // refused as a plain error response
      return (async function* () {
        try {
          const lease = ctx.services.watchStreams.open(ctx.user.id, ctx.user.sessionId);
          try {
            for await (const event of ctx.services.analyses.watch(ctx.user.id, {
              analysisId: input?.analysisId,
              lastEventId: input?.lastEventId ?? null,
              signal: signal ? AbortSignal.any([signal, lease.signal]) : lease.signal,
            })) {
              yield tracked(event.id, event.status);
            }
          } finally {
            lease.release();
          }
        } catch (error) {
          // The stream runs after the error-mapping middleware returned: map here, the same way.
          throw toClientError(error, ctx.logger, { path, type: "subscription" });
        }
      })();
    }),

  history: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/analysis/history",
        tags: ["analysis"],
        summary: "The user's analyses, newest first",
      },
    })
    .input(HistoryInput)
    .output(HistoryPage)
    .query(({ ctx, input }) =>
      ctx.services.analyses.history(ctx.user.id, { cursor: input?.cursor, limit: input?.limit }),
    ),
} satisfies TRPCRouterRecord;

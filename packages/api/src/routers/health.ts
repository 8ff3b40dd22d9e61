import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { publicProcedure } from "../trpc.js";

export const HealthStatus = z.object({
  status: z.literal("ok"),
  database: z.enum(["postgres", "pglite"]),
  worker: z.enum(["inline", "external"]),
  /** Worker processes whose heartbeat is recent (the inline worker counts as one). */
  liveWorkers: z.number().int().min(0),
});

export const healthRouter = {
  check: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/health",
        tags: ["health"],
        protect: false,
        summary: "Whether the service and its database answer, and how many workers are live",
      },
    })
    .output(HealthStatus)
    .query(async ({ ctx }) => {
      const { liveWorkers } = await ctx.services.health();
      return {
        liveWorkers,
        status: "ok" as const,
        database: ctx.services.database.kind,
        worker: ctx.services.config.worker.mode,
      };
    }),
} satisfies TRPCRouterRecord;

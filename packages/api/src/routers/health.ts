import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { publicProcedure } from "../trpc.js";

export const HealthStatus = z.object({
  status: z.literal("ok"),
  database: z.enum(["postgres", "pglite"]),
  worker: z.enum(["inline", "external"]),
});

export const healthRouter = {
  check: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/health",
        tags: ["health"],
        protect: false,
        summary: "Whether the service and its database answer",
      },
    })
    .output(HealthStatus)
    .query(async ({ ctx }) => {
      await ctx.services.health();
      return {
        status: "ok" as const,
        database: ctx.services.database.kind,
        worker: ctx.services.config.worker.mode,
      };
    }),
} satisfies TRPCRouterRecord;

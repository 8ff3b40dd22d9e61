import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure, publicProcedure } from "../trpc.js";
import {
  RevokeResult,
  ShareAnalysisInput,
  SharedVerdict,
  ShareLink,
  ShareTokenInput,
} from "./share.schemas.js";

export const shareRouter = {
  /** Public: the shared verdict behind a token. No email, no Spotify id, no tokens. */
  get: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/share/{token}",
        tags: ["share"],
        protect: false,
        summary: "A shared verdict",
      },
    })
    .input(ShareTokenInput)
    .output(SharedVerdict)
    .query(({ ctx, input }) => ctx.services.shares.get(input.token)),

  revoke: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/share/revoke",
        tags: ["share"],
        summary: "Turn off the share link of an analysis",
      },
    })
    .input(ShareAnalysisInput)
    .output(RevokeResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.shares.revoke(ctx.user.id, input.analysisId);
      return { ok: true as const };
    }),

  rotate: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/share/rotate",
        tags: ["share"],
        summary: "Replace the share link of an analysis with a new one",
      },
    })
    .input(ShareAnalysisInput)
    .output(ShareLink)
    .mutation(({ ctx, input }) => ctx.services.shares.rotate(ctx.user.id, input.analysisId)),
} satisfies TRPCRouterRecord;

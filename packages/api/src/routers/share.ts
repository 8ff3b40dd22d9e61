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
    .input(ShareTokenInput)
    .output(SharedVerdict)
    .query(({ ctx, input }) => ctx.services.shares.get(input.token)),

  revoke: protectedProcedure
    .input(ShareAnalysisInput)
    .output(RevokeResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.shares.revoke(ctx.user.id, input.analysisId);
      return { ok: true as const };
    }),

  rotate: protectedProcedure
    .input(ShareAnalysisInput)
    .output(ShareLink)
    .mutation(({ ctx, input }) => ctx.services.shares.rotate(ctx.user.id, input.analysisId)),
} satisfies TRPCRouterRecord;

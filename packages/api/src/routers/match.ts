import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure, publicProcedure } from "../trpc.js";
import {
  CreateMatchInput,
  Match,
  MatchIdInput,
  MatchListInput,
  MatchOkResult,
  MatchPage,
  MatchTokenInput,
  PublicMatch,
  ShareLink,
} from "./match.schemas.js";

export const matchRouter = {
  /** Your latest verdict against a verdict someone shared with you; the other listener is not told. */
  create: protectedProcedure
    .input(CreateMatchInput)
    .output(Match)
    .mutation(({ ctx, input, signal }) => ctx.services.matches.create(ctx.user.id, input, signal)),

  get: protectedProcedure
    .input(MatchIdInput)
    .output(Match)
    .query(({ ctx, input }) => ctx.services.matches.get(ctx.user.id, input.matchId)),

  /** Your matches, newest first. */
  list: protectedProcedure
    .input(MatchListInput)
    .output(MatchPage)
    .query(({ ctx, input }) => ctx.services.matches.list(ctx.user.id, input)),

  delete: protectedProcedure
    .input(MatchIdInput)
    .output(MatchOkResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.matches.delete(ctx.user.id, input.matchId);
      return { ok: true as const };
    }),

  revokeShare: protectedProcedure
    .input(MatchIdInput)
    .output(MatchOkResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.matches.revokeShare(ctx.user.id, input.matchId);
      return { ok: true as const };
    }),

  rotateShare: protectedProcedure
    .input(MatchIdInput)
    .output(ShareLink)
    .mutation(({ ctx, input }) => ctx.services.matches.rotateShare(ctx.user.id, input.matchId)),

  /** Public: the match behind a match link, as its page shows it. */
  byToken: publicProcedure
    .input(MatchTokenInput)
    .output(PublicMatch)
    .query(({ ctx, input }) => ctx.services.matches.getPublic(input.token)),
} satisfies TRPCRouterRecord;

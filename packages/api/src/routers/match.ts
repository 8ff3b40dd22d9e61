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
    .meta({
      openapi: {
        method: "POST",
        path: "/matches",
        tags: ["match"],
        summary: "Compare your latest verdict with one someone shared with you",
      },
    })
    .input(CreateMatchInput)
    .output(Match)
    .mutation(({ ctx, input, signal }) => ctx.services.matches.create(ctx.user.id, input, signal)),

  get: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/matches/{matchId}",
        tags: ["match"],
        summary: "One of your matches",
      },
    })
    .input(MatchIdInput)
    .output(Match)
    .query(({ ctx, input }) => ctx.services.matches.get(ctx.user.id, input.matchId)),

  /** Your matches, newest first. */
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/matches",
        tags: ["match"],
        summary: "Your matches, newest first",
      },
    })
    .input(MatchListInput)
    .output(MatchPage)
    .query(({ ctx, input }) => ctx.services.matches.list(ctx.user.id, input)),

  delete: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/matches/{matchId}",
        tags: ["match"],
        summary: "Delete one of your matches",
      },
    })
    .input(MatchIdInput)
    .output(MatchOkResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.matches.delete(ctx.user.id, input.matchId);
      return { ok: true as const };
    }),

  revokeShare: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/matches/{matchId}/share/revoke",
        tags: ["match"],
        summary: "Turn off the link of a match",
      },
    })
    .input(MatchIdInput)
    .output(MatchOkResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.matches.revokeShare(ctx.user.id, input.matchId);
      return { ok: true as const };
    }),

  rotateShare: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/matches/{matchId}/share/rotate",
        tags: ["match"],
        summary: "Replace the link of a match with a new one",
      },
    })
    .input(MatchIdInput)
    .output(ShareLink)
    .mutation(({ ctx, input }) => ctx.services.matches.rotateShare(ctx.user.id, input.matchId)),

  /** Public: the match behind a match link, as its page shows it. */
  byToken: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/matches/shared/{token}",
        tags: ["match"],
        protect: false,
        summary: "A shared match",
      },
    })
    .input(MatchTokenInput)
    .output(PublicMatch)
    .query(({ ctx, input }) => ctx.services.matches.getPublic(input.token)),
} satisfies TRPCRouterRecord;

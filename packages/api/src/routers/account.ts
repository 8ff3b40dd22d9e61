import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../trpc.js";
import { AccountInput, AccountResult } from "./account.schemas.js";

export const accountRouter = {
  /** Deletes everything of the signed-in user at once: Spotify tokens, sessions, analyses, shares, the user. */
  delete: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/account",
        tags: ["account"],
        summary: "Delete everything of the signed-in user",
      },
    })
    .input(AccountInput)
    .output(AccountResult)
    .mutation(async ({ ctx }) => {
      await ctx.services.accounts.delete(ctx.user.id);
      return { ok: true as const };
    }),

  /** Removes the stored Spotify tokens; the verdicts and their share links stay. */
  disconnectSpotify: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/account/disconnect-spotify",
        tags: ["account"],
        summary: "Remove the stored Spotify tokens",
      },
    })
    .input(AccountInput)
    .output(AccountResult)
    .mutation(async ({ ctx }) => {
      await ctx.services.accounts.disconnectSpotify(ctx.user.id);
      return { ok: true as const };
    }),
} satisfies TRPCRouterRecord;

import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure, publicProcedure, rateLimitedProcedure } from "../trpc.js";
import { ExchangeInput, LogoutInput, LogoutResult, Me, RefreshInput, SessionTokens } from "./auth.schemas.js";

export const authRouter = {
  /** Trades the one-time login code from the sign-in redirect for a session. */
  exchange: rateLimitedProcedure("auth")
    .input(ExchangeInput)
    .output(SessionTokens)
    .mutation(({ ctx, input }) => ctx.services.sessions.exchangeLoginCode(input.code)),

  /** Rotates the refresh token; a reused one ends the whole session. */
  refresh: rateLimitedProcedure("auth")
    .input(RefreshInput)
    .output(SessionTokens)
    .mutation(({ ctx, input }) => ctx.services.sessions.refresh(input.refreshToken)),

  logout: publicProcedure
    .input(LogoutInput)
    .output(LogoutResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.sessions.logout(input.refreshToken);
      return { ok: true as const };
    }),

  me: protectedProcedure.output(Me).query(({ ctx }) => ctx.services.users.me(ctx.user.id)),
} satisfies TRPCRouterRecord;

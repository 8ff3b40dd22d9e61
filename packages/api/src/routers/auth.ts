import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure, publicProcedure, rateLimitedProcedure } from "../trpc.js";
import { ExchangeInput, LogoutInput, LogoutResult, Me, RefreshInput, SessionTokens } from "./auth.schemas.js";

export const authRouter = {
  /** Trades the one-time login code from the sign-in redirect for a session. */
  exchange: rateLimitedProcedure("auth")
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/exchange",
        tags: ["auth"],
        protect: false,
        summary: "Trade a one-time login code for a session",
      },
    })
    .input(ExchangeInput)
    .output(SessionTokens)
    .mutation(({ ctx, input }) => ctx.services.sessions.exchangeLoginCode(input.code)),

  /** Rotates the refresh token; a reused one ends the whole session. */
  refresh: rateLimitedProcedure("auth")
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/refresh",
        tags: ["auth"],
        protect: false,
        summary: "Rotate the refresh token for new tokens",
      },
    })
    .input(RefreshInput)
    .output(SessionTokens)
    .mutation(({ ctx, input }) => ctx.services.sessions.refresh(input.refreshToken)),

  logout: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/logout",
        tags: ["auth"],
        protect: false,
        summary: "End the session of a refresh token",
      },
    })
    .input(LogoutInput)
    .output(LogoutResult)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.sessions.logout(input.refreshToken);
      return { ok: true as const };
    }),

  me: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/auth/me", tags: ["auth"], summary: "The signed-in user" } })
    .output(Me)
    .query(({ ctx }) => ctx.services.users.me(ctx.user.id)),
} satisfies TRPCRouterRecord;

import { initTRPC, TRPCError } from "@trpc/server";
import { isDatabaseUnavailable } from "@unwrapped/db";
import { isAppError, RateLimitedError, UnauthenticatedError } from "@unwrapped/services";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { ApiContext } from "./context.js";
import { GENERIC_INTERNAL_MESSAGE, toTRPCError, UNAVAILABLE_MESSAGE } from "./error-mapping.js";

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 20_000 },
  },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        /** Field errors of invalid input (zod 4's flattenError). */
        zodError: error.code === "BAD_REQUEST" && cause instanceof ZodError ? z.flattenError(cause) : null,
        /** Seconds to wait before retrying, on TOO_MANY_REQUESTS. */
        retryAfterSeconds: cause instanceof RateLimitedError ? cause.retryAfterSeconds : null,
        /** Why authentication failed; "token_expired" means: refresh, then retry. */
        authReason: cause instanceof UnauthenticatedError ? cause.reason : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * Maps what procedures throw to what clients see, in one place: AppErrors to their tRPC codes, a lost
 * database to SERVICE_UNAVAILABLE, anything else to a generic INTERNAL_SERVER_ERROR (logged in full,
 * never sent: no stack, no SQL, no tokens).
 */
const errorMapping = t.middleware(async ({ next, path, type, ctx }) => {
  const result = await next();
  if (result.ok) return result;
  const error = result.error;
  const cause = error.cause;
  if (isAppError(cause)) {
    const mapped = toTRPCError(cause);
    if (mapped.code === "INTERNAL_SERVER_ERROR" || mapped.code === "BAD_GATEWAY") {
      ctx.logger.error({ err: cause, path, type }, "procedure failed");
    }
    throw mapped;
  }
  if (error.code !== "INTERNAL_SERVER_ERROR") return result; // tRPC's own (input validation, not found)
  if (isDatabaseUnavailable(cause)) {
    ctx.logger.warn({ err: cause, path, type }, "database unavailable");
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: UNAVAILABLE_MESSAGE, cause: error });
  }
  ctx.logger.error({ err: cause ?? error, path, type }, "procedure failed");
  throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: GENERIC_INTERNAL_MESSAGE });
});

export const publicProcedure = t.procedure.use(errorMapping);

/** Requires a valid access token; narrows `ctx.user`. The only place authentication is checked. */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.accessToken) {
    throw new UnauthenticatedError("Sign in to continue: no access token was sent.", { reason: "missing" });
  }
  const claims = await ctx.services.accessTokens.verify(ctx.accessToken);
  return next({ ctx: { ...ctx, user: { id: claims.userId, sessionId: claims.sessionId } } });
});

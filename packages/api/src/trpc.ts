import { initTRPC } from "@trpc/server";
import { UnauthenticatedError } from "@unwrapped/services";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { ApiContext } from "./context.js";
import { errorDetails, toClientError } from "./error-mapping.js";
import type { RestMeta } from "./rest/rest-meta.js";

/** `.meta({ openapi: { method, path } })` on a procedure makes it a REST operation under /api/v1 (rest/). */
const t = initTRPC
  .context<ApiContext>()
  .meta<OpenApiMeta<RestMeta>>()
  .create({
    transformer: superjson,
    isDev: false,
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 20_000 },
    },
    errorFormatter({ shape, error }) {
      return {
        ...shape,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          ...errorDetails(error),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * Maps what procedures throw to what clients see (toClientError). A subscription's stream runs after
 * this middleware has returned, so subscriptions map what their stream throws themselves.
 */
const errorMapping = t.middleware(async ({ next, path, type, ctx }) => {
  const result = await next();
  if (result.ok) return result;
  const mapped = toClientError(result.error, ctx.logger, { path, type });
  if (mapped === result.error) return result; // tRPC's own, such as invalid input: keep its cause
  throw mapped;
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

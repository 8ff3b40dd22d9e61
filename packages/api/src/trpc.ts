import { initTRPC, TRPCError } from "@trpc/server";
import { type RateLimitBucket, UnauthenticatedError, unsafeInputReason } from "@unwrapped/services";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { ApiContext } from "./context.js";
import { errorDetails, toClientError } from "./error-mapping.js";
import type { RestMeta } from "./rest/rest-meta.js";

export const UNREADABLE_MESSAGE = "The request could not be read.";

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
      // What failed to parse (JSON.parse, superjson, a stack overflow on deep input) is machinery: say
      // only that the request could not be read.
      const message = error.code === "PARSE_ERROR" ? UNREADABLE_MESSAGE : shape.message;
      return {
        ...shape,
        message,
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

/**
 * The one check on every procedure's raw input before its schema or any service sees it: input that
 * cannot be read, what PostgreSQL cannot store (a NUL byte in any string or key) or nesting too deep to
 * walk is BAD_REQUEST.
 */
const inputGuard = t.middleware(async ({ getRawInput, next }) => {
  let raw: unknown;
  try {
    raw = await getRawInput();
  } catch (cause) {
    // tRPC's own refusals (a body over the limit: PAYLOAD_TOO_LARGE) say what they mean; anything else
    // (JSON.parse, superjson, a stack overflow on deeply nested input) only that it was unreadable.
    const own =
      cause instanceof TRPCError &&
      (cause.code === "PAYLOAD_TOO_LARGE" || (cause.code !== "PARSE_ERROR" && cause.cause === undefined));
    if (own) throw cause;
    throw new TRPCError({ code: "BAD_REQUEST", message: UNREADABLE_MESSAGE, cause });
  }
  const reason = unsafeInputReason(raw);
  if (reason) throw new TRPCError({ code: "BAD_REQUEST", message: reason });
  return next();
});

export const publicProcedure = t.procedure.use(errorMapping).use(inputGuard);

/**
 * A public procedure that draws one token per call from the client's bucket of the process's rate
 * limiter; over the limit it answers TOO_MANY_REQUESTS with retryAfterSeconds (and a Retry-After header
 * over HTTP). The client address comes from the context, so every adapter using createContext inherits it;
 * calls in process (no address) are not limited.
 */
export function rateLimitedProcedure(bucket: RateLimitBucket) {
  // The limit comes before the input guard: a refused call costs no body parsing.
  return t.procedure
    .use(errorMapping)
    .use(({ ctx, next }) => {
      if (ctx.clientAddress !== null) ctx.services.rateLimiter.take(bucket, ctx.clientAddress);
      return next();
    })
    .use(inputGuard);
}

/**
 * Requires a valid access token; narrows `ctx.user`. The only place authentication is checked. The
 * Authorization header counts everywhere; a token in the connection params (a URL) only for subscriptions.
 */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next, type }) => {
  const accessToken = ctx.accessToken ?? (type === "subscription" ? ctx.connectionToken : null);
  if (!accessToken) {
    throw new UnauthenticatedError("Sign in to continue: no access token was sent.", { reason: "missing" });
  }
  const claims = await ctx.services.accessTokens.verify(accessToken);
  return next({ ctx: { ...ctx, user: { id: claims.userId, sessionId: claims.sessionId } } });
});

import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountRouter } from "./routers/account.js";
import { analysisRouter } from "./routers/analysis.js";
import { authRouter } from "./routers/auth.js";
import { healthRouter } from "./routers/health.js";
import { matchRouter } from "./routers/match.js";
import { shareRouter } from "./routers/share.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  auth: authRouter,
  analysis: analysisRouter,
  share: shareRouter,
  match: matchRouter,
  account: accountRouter,
  health: healthRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Calls procedures in-process, without HTTP: `createCaller(context).auth.me()`. */
export const createCaller = createCallerFactory(appRouter);

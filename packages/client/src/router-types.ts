/**
 * The one place the client meets the server: the router's *type*. `import type` is erased at build
 * time, so no server code reaches a bundle; every input and output type is inferred from it.
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@unwrapped/api";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

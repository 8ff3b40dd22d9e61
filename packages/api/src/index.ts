export { type ApiContext, type ContextSource, clientAddress, createContextFactory } from "./context.js";
export { httpStatusOf, retryAfterHeader, retryAfterSeconds, toTRPCError } from "./error-mapping.js";
export {
  createLocalCaller,
  createLocalCallerForUser,
  eventData,
  type LocalCaller,
  type LocalCallerOptions,
} from "./local-caller.js";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root.js";

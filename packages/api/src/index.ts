export { type ApiContext, type ContextSource, clientAddress, createContextFactory } from "./context.js";
export { httpStatusOf, retryAfterHeader, retryAfterSeconds, toTRPCError } from "./error-mapping.js";
export {
  createLocalCaller,
  createLocalCallerForUser,
  eventData,
  type LocalCaller,
  type LocalCallerOptions,
} from "./local-caller.js";
export { createOpenApiDocument, type OpenApiDocumentOptions } from "./rest/openapi-document.js";
export { createRestHandler, type RestHandlerOptions } from "./rest/rest-handler.js";
export { REST_BASE_PATH } from "./rest/rest-meta.js";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root.js";

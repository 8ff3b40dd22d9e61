/**
 * @unwrapped/client: a typed client for the unwrapped API, for browsers and Node 20+. It carries no
 * server code: the router's types come from @unwrapped/api as types only.
 */
export { TRPCClientError } from "@trpc/client";
export {
  type AnalysisResult,
  type AnalysisStatus,
  isTerminalStatus,
  type WaitForAnalysisOptions,
  waitForAnalysis,
} from "./analysis-watch.js";
export { type ClientOptions, createClient, type UnwrappedClient } from "./client.js";
export {
  describeError,
  errorCode,
  isExpiredAccessTokenError,
  isSessionEndedError,
  isUnwrappedClientError,
  ServerUnreachableError,
  SignInError,
  type UnwrappedClientError,
} from "./errors.js";
export { baseUrl, type Fetch, reportUnreachable } from "./fetch.js";
export { type DemoPersona, GENERATED_PERSONA, listDemoPersonas } from "./personas.js";
export type { AppRouter, RouterInputs, RouterOutputs } from "./router-types.js";
export type { SessionOptions, SessionTokens } from "./session.js";
export {
  DEMO_REDIRECT,
  demoLoginCode,
  exchangeLoginCode,
  loginUrl,
  type PersonaSignInOptions,
  signInErrorMessage,
  signInWithPersona,
} from "./sign-in.js";
export type { EventSourceConstructor, EventSourceLike } from "./subscription-link.js";

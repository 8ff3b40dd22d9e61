/**
 * The public face of the domain: what the api, the apps and the benchmarks use, and nothing else.
 * Everything else is reached through `createServices`.
 */
export { TasteProfile } from "./analysis/taste-profile.js";
export { AnalysisResult, AnalysisStatus, HistoryPage, Tone } from "./analysis/views.js";
export { SessionTokens } from "./auth/sessions.js";
export { Me, User } from "./auth/users.js";
export { type Clock, ManualClock, type Timers } from "./clock.js";
export {
  type AppError,
  type AppErrorCode,
  isAppError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamError,
  ValidationError,
} from "./errors.js";
export { defaultHttpDependencies, type HttpDependencies } from "./http/retry.js";
export { createLogger, type Logger } from "./logger.js";
export type { ClaimedTask } from "./queue/analysis-queue.js";
export type { Worker } from "./queue/worker.js";
export { createServices, type Services } from "./services.js";
export { PublicProfile, SharedVerdict, ShareLink } from "./share/shared-verdict.js";

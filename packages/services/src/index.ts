/**
 * The public face of the domain: what the api, the apps and the benchmarks use, and nothing else.
 * Everything else is reached through `createServices`.
 */
export { TasteProfile } from "./analysis/taste-profile.js";
export { AnalysisResult, AnalysisStatus, HistoryPage, Tone } from "./analysis/views.js";
export { SessionTokens } from "./auth/sessions.js";
export {
  OAUTH_STATE_TTL_SECONDS,
  type SignInStart,
  signInBinding,
  signInCookieName,
} from "./auth/sign-in.js";
export { Me, User } from "./auth/users.js";
export { type Clock, ManualClock, systemClock, type Timers } from "./clock.js";
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
export { createLogger, type Logger, requestContext } from "./logger.js";
export { BiggestDifference } from "./match/compatibility.js";
export { Match, MatchPage, PublicMatch } from "./match/match-views.js";
export { Metrics } from "./metrics/metrics.js";
export { isMetricsPath, serveMetrics, startMetricsServer } from "./metrics/metrics-endpoint.js";
export type { ClaimedTask } from "./queue/analysis-queue.js";
export { CANCELLED_CODE, type FailedAnalysis, QueueAdmin, type QueueSummary } from "./queue/queue-admin.js";
export type { Worker } from "./queue/worker.js";
export { type LiveWorker, NO_WORKER_HINT, WorkerRegistry } from "./queue/worker-registry.js";
export { type RateLimitBucket, RateLimiter } from "./rate-limit/rate-limiter.js";
export { RETENTION_SWEEP_INTERVAL_MS, type SweepCounts } from "./retention/retention-sweeper.js";
export { createServices, type Services } from "./services.js";
export type { SharedVerdictOfAnalysis, ShareRevision } from "./share/share-service.js";
export { PublicProfile, SharedVerdict, ShareLink } from "./share/shared-verdict.js";
export { Standings, StandingsService, type StandingsValues } from "./standings/standings-service.js";
export {
  isPgTimestamp,
  isUuid,
  MAX_INPUT_DEPTH,
  PgTimestamp,
  SafeText,
  Uuid,
  unsafeInputReason,
} from "./validation.js";

export { AnalysisService, type HistoryPage, type WatchEvent } from "./analysis/analysis-service.js";
export { type AccessTokenProvider, Collector } from "./analysis/collector.js";
export { Coordinator, STAGE_PROGRESS, type TaskOutcome } from "./analysis/coordinator.js";
export { Persister, SHARE_TOKEN_BYTES } from "./analysis/persister.js";
export { REFRESH_MARGIN_MS, TokenService } from "./analysis/token-service.js";
export * from "./analysis/types.js";
export * from "./analysis/views.js";
export { type AccessTokenClaims, AccessTokens } from "./auth/access-tokens.js";
export { createPkcePair, pkceChallenge } from "./auth/pkce.js";
export { isAllowedRedirect } from "./auth/redirect-allow-list.js";
export { LOGIN_CODE_TTL_SECONDS, SessionService, type SessionTokens } from "./auth/sessions.js";
export { OAUTH_STATE_TTL_SECONDS, type SignInErrorCode, SignInService } from "./auth/sign-in.js";
export type { PublicUser, SpotifyConnection } from "./auth/users.js";
export { addSeconds, type Clock, ManualClock, systemClock } from "./clock.js";
export { hashToken, randomToken } from "./crypto/random-token.js";
export { TokenCipher } from "./crypto/token-cipher.js";
export * from "./errors.js";
export {
  backoffDelay,
  defaultHttpDependencies,
  defaultRetryPolicy,
  fetchWithRetry,
  type HttpDependencies,
  parseRetryAfter,
  type RetryPolicy,
} from "./http/retry.js";
export { createLogger, type Logger, REDACTED_PATHS } from "./logger.js";
export {
  AnalysisQueue,
  type ClaimedTask,
  parseStatusEvent,
  type QueueSettings,
  type StatusEvent,
  type TaskError,
} from "./queue/analysis-queue.js";
export { QUEUE_CHANNEL, STATUS_CHANNEL } from "./queue/channels.js";
export { type HubEvent, StatusHub } from "./queue/status-hub.js";
export { type TaskRunner, Worker, type WorkerSettings } from "./queue/worker.js";
export { createServices, type ServiceOptions, type Services } from "./services.js";
export { ShareService } from "./share/share-service.js";
export { SPOTIFY_SCOPES, SpotifyAccountsClient, type SpotifyTokens } from "./spotify/accounts-client.js";
export { PAGE_LIMIT, SpotifyWebApiClient } from "./spotify/web-api-client.js";

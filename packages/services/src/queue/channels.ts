/** NOTIFY channels. Payloads stay far below PostgreSQL's 8000-byte limit. */
export const QUEUE_CHANNEL = "unwrapped_analysis_queue";
export const STATUS_CHANNEL = "unwrapped_analysis_status";
/** A session family was revoked; the payload is its family id (the access tokens' `sid`). */
export const SESSION_REVOKED_CHANNEL = "unwrapped_session_revoked";

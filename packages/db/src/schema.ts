import { sql } from "drizzle-orm";
import {
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** Every timestamp is timestamptz, read and written as a Date in UTC. */
const timestamptz = () => timestamp({ withTimezone: true, mode: "date" });
const createdAt = () => timestamptz().notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The id accounts are linked by: /v1/me `account_id` when Spotify sends it, else `id`. */
    spotifyAccountId: text().notNull().unique("users_spotify_account_id_key"),
    /** The Spotify user id (`id`), shown to the user; may change, so never used for linking. */
    spotifyId: text().notNull(),
    displayName: text(),
    email: text(),
    country: text(),
    imageUrl: text(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (table) => [index("users_spotify_id_idx").on(table.spotifyId)],
);

/**
 * One row per user. Tokens are AES-256-GCM ciphertexts carrying the id of the key that wrote them.
 * Kept out of `users` so no query that reads users can ever select a token by accident.
 */
export const spotifyCredentials = pgTable("spotify_credentials", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  accessTokenCiphertext: text().notNull(),
  refreshTokenCiphertext: text().notNull(),
  accessTokenExpiresAt: timestamptz().notNull(),
  scope: text().notNull(),
  /** When the user last consented; Spotify refresh tokens expire six months after it. */
  consentedAt: createdAt(),
  /** Set when Spotify refused the refresh token (invalid_grant): the user must sign in again. */
  reauthorizationRequiredAt: timestamptz(),
  /**
   * A short lease taken by the one process refreshing the tokens, so concurrent workers refresh once
   * without holding a transaction open across the call to Spotify.
   */
  refreshClaimedUntil: timestamptz(),
  updatedAt: createdAt(),
});

/**
 * Refresh tokens, one row per token, grouped in families (one family per sign-in). Rotating marks the
 * presented row `rotated_at` and inserts its successor in the same family; presenting a rotated token
 * again revokes the whole family. Only SHA-256 hashes of tokens are stored.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    familyId: uuid().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull().unique("sessions_token_hash_key"),
    createdAt: createdAt(),
    expiresAt: timestamptz().notNull(),
    rotatedAt: timestamptz(),
    revokedAt: timestamptz(),
  },
  (table) => [
    index("sessions_family_id_idx").on(table.familyId),
    index("sessions_user_id_idx").on(table.userId),
    index("sessions_expires_at_idx").on(table.expiresAt),
  ],
);

/** OAuth `state` values with their PKCE verifier: single use, short-lived. */
export const oauthStates = pgTable(
  "oauth_states",
  {
    state: text().primaryKey(),
    codeVerifier: text().notNull(),
    redirectTo: text().notNull(),
    createdAt: createdAt(),
    expiresAt: timestamptz().notNull(),
    consumedAt: timestamptz(),
  },
  (table) => [index("oauth_states_expires_at_idx").on(table.expiresAt)],
);

/** One-time codes handed to redirect_to after sign-in and traded for a session by auth.exchange. */
export const loginCodes = pgTable(
  "login_codes",
  {
    codeHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamptz().notNull(),
    consumedAt: timestamptz(),
  },
  (table) => [index("login_codes_expires_at_idx").on(table.expiresAt)],
);

export const analysisStatus = pgEnum("analysis_status", ["pending", "processing", "completed", "failed"]);
export const analysisStage = pgEnum("analysis_stage", [
  "queued",
  "collecting",
  "profiling",
  "judging",
  "saving",
  "done",
]);
export const judgeKind = pgEnum("judge_kind", ["llm", "rules"]);
/** The voice a verdict is written in; `balanced` is the default. */
export const verdictTone = pgEnum("verdict_tone", ["gentle", "balanced", "savage"]);

/**
 * An analysis is both what the user sees and the job queue. Workers claim pending rows (or processing
 * rows whose lease ran out) with FOR UPDATE SKIP LOCKED, and guard every later write with `lease_token`.
 */
export const analyses = pgTable(
  "analyses",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: analysisStatus().notNull().default("pending"),
    stage: analysisStage().notNull().default("queued"),
    progress: doublePrecision().notNull().default(0),
    /** Increases with every visible change; the event id of `analysis.watch`. */
    version: integer().notNull().default(1),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull(),
    runAfter: createdAt(),
    lockedBy: text(),
    leaseToken: uuid(),
    lockedUntil: timestamptz(),
    errorCode: text(),
    errorMessage: text(),
    /** Asked for at analysis.begin; both judges honour it. */
    tone: verdictTone().notNull().default("balanced"),
    judge: judgeKind(),
    profile: jsonb(),
    label: text(),
    description: text(),
    criticalAcclaim: doublePrecision(),
    mainstream: doublePrecision(),
    /** While an LLM verdict is being written: the description so far (bounded, see DRAFT_MAX_BYTES); else null. */
    draft: text(),
    /** The version of the LLM prompt that wrote the verdict (llm-prompt.ts); null for the rules judge. */
    promptVersion: text(),
    shareToken: text().unique("analyses_share_token_key"),
    shareRevokedAt: timestamptz(),
    createdAt: createdAt(),
    startedAt: timestamptz(),
    completedAt: timestamptz(),
    updatedAt: createdAt(),
  },
  (table) => [
    uniqueIndex("analyses_one_active_per_user_idx")
      .on(table.userId)
      .where(sql`${table.status} in ('pending', 'processing')`),
    index("analyses_claim_pending_idx").on(table.runAfter).where(sql`${table.status} = 'pending'`),
    index("analyses_claim_expired_idx").on(table.lockedUntil).where(sql`${table.status} = 'processing'`),
    index("analyses_user_created_at_idx").on(table.userId, table.createdAt.desc(), table.id.desc()),
    /** Retention sweeps find old analyses by age. */
    index("analyses_created_at_idx").on(table.createdAt),
    check("analyses_progress_range", sql`${table.progress} >= 0 and ${table.progress} <= 1`),
    check("analyses_attempts_range", sql`${table.attempts} >= 0 and ${table.maxAttempts} >= 1`),
  ],
);

/**
 * A taste match: the owner's latest verdict against a verdict someone shared with them. Both sides are
 * stored as snapshots of their public subsets (what a share link shows), so the match never depends on,
 * nor exposes, the other listener's private profile, and stays readable after either side changes.
 */
export const matches = pgTable(
  "matches",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The owner's verdict the match was made from; null once it is gone. */
    ownerAnalysisId: uuid().references(() => analyses.id, { onDelete: "set null" }),
    /**
     * The shared verdict it was matched against. When that verdict goes (its listener deleted their
     * account, retention) the match goes too: its snapshot is that listener's data.
     */
    otherAnalysisId: uuid()
      .notNull()
      .references(() => analyses.id, { onDelete: "cascade" }),
    /** The owner's public subset at match time (a SharedVerdict). */
    ownerSnapshot: jsonb().notNull(),
    /** The other share's public subset at match time (a SharedVerdict). */
    otherSnapshot: jsonb().notNull(),
    compatibility: doublePrecision().notNull(),
    label: text().notNull(),
    description: text().notNull(),
    sharedArtists: jsonb().notNull(),
    sharedGenres: jsonb().notNull(),
    /** null when the two verdicts share no dimension to compare. */
    biggestDifference: jsonb(),
    tone: verdictTone().notNull().default("balanced"),
    judge: judgeKind().notNull(),
    shareToken: text().notNull().unique("matches_share_token_key"),
    shareRevokedAt: timestamptz(),
    createdAt: createdAt(),
  },
  (table) => [
    index("matches_owner_created_at_idx").on(table.ownerId, table.createdAt.desc(), table.id.desc()),
    check("matches_compatibility_range", sql`${table.compatibility} >= 0 and ${table.compatibility} <= 1`),
  ],
);

/**
 * Standings: each listener's latest completed verdict in four numbers, one row per user, written when
 * an analysis completes. A null value is a metric the verdict could not compute.
 */
export const listenerStandings = pgTable(
  "listener_standings",
  {
    userId: uuid()
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    analysisId: uuid().notNull(),
    underground: doublePrecision(),
    acclaim: doublePrecision(),
    loyalty: doublePrecision(),
    diversity: doublePrecision(),
    updatedAt: createdAt(),
  },
  (table) => [
    index("listener_standings_underground_idx").on(table.underground),
    index("listener_standings_acclaim_idx").on(table.acclaim),
    index("listener_standings_loyalty_idx").on(table.loyalty),
    index("listener_standings_diversity_idx").on(table.diversity),
  ],
);

/**
 * The histogram of `listener_standings`, maintained with it in one transaction: per metric, how many
 * listeners fall in each of a fixed number of equal buckets over [0, 1]; the metric `listeners` (bucket
 * 0) counts every listener. A percentile reads at most one row per bucket plus the few rows inside the
 * listener's own bucket, whatever the number of listeners.
 */
export const standingsHistogram = pgTable(
  "standings_histogram",
  {
    metric: text().notNull(),
    bucket: integer().notNull(),
    listeners: integer().notNull(),
  },
  (table) => [primaryKey({ columns: [table.metric, table.bucket] })],
);

export type User = typeof users.$inferSelect;
export type SpotifyCredentials = typeof spotifyCredentials.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Analysis = typeof analyses.$inferSelect;
export type WorkerHeartbeat = typeof workerHeartbeats.$inferSelect;
export type AnalysisStatusValue = (typeof analysisStatus.enumValues)[number];
export type AnalysisStageValue = (typeof analysisStage.enumValues)[number];
export type JudgeKind = (typeof judgeKind.enumValues)[number];
export type VerdictTone = (typeof verdictTone.enumValues)[number];
export type Match = typeof matches.$inferSelect;

/**
 * One row per running worker process, refreshed every few seconds: what `health.check`, the "no worker is
 * running" hint and `unwrapped admin queue` read. A clean exit deletes its row; a row not seen for the
 * staleness window belongs to a dead process and is expired by the next heartbeat of any worker.
 */
export const workerHeartbeats = pgTable(
  "worker_heartbeats",
  {
    id: text().primaryKey(),
    host: text().notNull(),
    pid: integer().notNull(),
    concurrency: integer().notNull(),
    running: integer().notNull().default(0),
    startedAt: createdAt(),
    lastSeenAt: createdAt(),
  },
  (table) => [index("worker_heartbeats_last_seen_at_idx").on(table.lastSeenAt)],
);

/**
 * The Spotify budget of the whole deployment, one row (`id = 'spotify'`): `paused_until` is set when any
 * worker gets a 429 (every worker waits until then), and `next_slot_at` hands out request slots
 * 1/SPOTIFY_MAX_RPS apart to all workers together.
 */
export const spotifyBudget = pgTable("spotify_budget", {
  id: text().primaryKey(),
  pausedUntil: timestamptz(),
  nextSlotAt: timestamptz(),
  updatedAt: createdAt(),
});

/** PNG bytes: a Buffer from postgres.js, a Uint8Array from PGlite; always handed out as a Buffer. */
const png = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => Buffer.from(value),
});

/**
 * The drawn share images of an analysis, one per size, shared by every server process and kept across
 * restarts. `content_key` is the hash of what the image shows (see @unwrapped/share-cards): a row whose
 * key differs from the verdict's current one is stale and drawn again. Deleted with the analysis.
 */
export const shareCards = pgTable(
  "share_cards",
  {
    analysisId: uuid()
      .notNull()
      .references(() => analyses.id, { onDelete: "cascade" }),
    size: text().notNull(),
    contentKey: text().notNull(),
    png: png().notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.analysisId, table.size] })],
);

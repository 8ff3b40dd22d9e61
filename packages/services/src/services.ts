import type { Config } from "@unwrapped/config";
import type { DatabaseHandle } from "@unwrapped/db";
import type { Logger } from "pino";
import { AccountService } from "./account/account-service.js";
import { AnalysisService } from "./analysis/analysis-service.js";
import { Collector } from "./analysis/collector.js";
import { Coordinator } from "./analysis/coordinator.js";
import { LlmJudge } from "./analysis/llm-judge.js";
import { Persister } from "./analysis/persister.js";
import { Profiler } from "./analysis/profiler.js";
import { RulesJudge } from "./analysis/rules-judge/rules-judge.js";
import { TokenService } from "./analysis/token-service.js";
import type { Judge } from "./analysis/types.js";
import { WatchStreams } from "./analysis/watch-streams.js";
import { AccessTokens } from "./auth/access-tokens.js";
import { RevocationList } from "./auth/revocation-list.js";
import { SessionService } from "./auth/sessions.js";
import { SignInService } from "./auth/sign-in.js";
import { findUserWithConnection } from "./auth/users.js";
import { type Clock, systemClock, systemTimers, type Timers } from "./clock.js";
import { TokenCipher } from "./crypto/token-cipher.js";
import { defaultHttpDependencies, type HttpDependencies } from "./http/retry.js";
import { MatchLlmJudge } from "./match/match-llm-judge.js";
import { type MatchJudge, MatchRulesJudge } from "./match/match-rules-judge.js";
import { MatchService } from "./match/match-service.js";
import { Metrics } from "./metrics/metrics.js";
import { AnalysisQueue } from "./queue/analysis-queue.js";
import { StatusHub } from "./queue/status-hub.js";
import { Worker } from "./queue/worker.js";
import { WorkerRegistry } from "./queue/worker-registry.js";
import { RateLimiter } from "./rate-limit/rate-limiter.js";
import { RetentionSweeper } from "./retention/retention-sweeper.js";
import { ShareService } from "./share/share-service.js";
import { SpotifyAccountsClient } from "./spotify/accounts-client.js";
import { SpotifyBudget } from "./spotify/spotify-budget.js";
import { SpotifyWebApiClient } from "./spotify/web-api-client.js";
import { StandingsService, standingsValuesOf } from "./standings/standings-service.js";

export interface ServiceOptions {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly clock?: Clock | undefined;
  /** Waits of the worker, the coordinator and token refreshes (tests pass a ManualClock). */
  readonly timers?: Timers | undefined;
  /** fetch, timers and jitter for calls to Spotify and the LLM (tests pass their own). */
  readonly http?: HttpDependencies | undefined;
  /** The `process` label of this process's metrics: "server" (default) or "worker". */
  readonly processName?: string | undefined;
}

/**
 * The composition root of the domain: every service wired once per process with its dependencies.
 * The api package reaches business logic only through this object.
 */
export function createServices(options: ServiceOptions) {
  const { config, database, logger } = options;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const http = options.http ?? { ...defaultHttpDependencies, clock, timers };
  const db = database.db;
  const cipher = new TokenCipher(config.auth.tokenEncryptionKey, config.auth.previousTokenEncryptionKeys);
  const revocations = new RevocationList(database, clock, config.auth.accessTokenTtlSeconds, logger);
  // The session check is late-bound: SessionService needs the signer, the signer needs the check.
  let sessions: SessionService | undefined;
  const accessTokens = new AccessTokens(
    {
      secret: config.auth.jwtSecret,
      issuer: config.auth.jwtIssuer,
      audience: config.auth.jwtAudience,
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    },
    clock,
    {
      revocations,
      sessionIsLive: (familyId, userId) => sessions?.isLive(familyId, userId) ?? Promise.resolve(false),
    },
  );
  const spotifyAccounts = new SpotifyAccountsClient(
    {
      clientId: config.spotify.clientId,
      clientSecret: config.spotify.clientSecret,
      accountsUrl: config.spotify.accountsUrl,
      apiUrl: config.spotify.apiUrl,
      redirectUri: config.spotify.redirectUri,
    },
    { clock, http, logger },
  );
  sessions = new SessionService({
    db,
    accessTokens,
    clock,
    refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
    revocations,
  });
  const signIn = new SignInService({
    db,
    clock,
    accounts: spotifyAccounts,
    sessions,
    cipher,
    logger,
    appUrl: config.server.appUrl,
  });

  const queue = new AnalysisQueue({
    db,
    clock,
    settings: {
      leaseSeconds: config.worker.leaseSeconds,
      maxAttempts: config.worker.maxAttempts,
    },
  });
  const statusHub = new StatusHub(database, logger);
  // A worker's row is stale once it missed its beats for a whole lease: its leases have run out too.
  const workers = new WorkerRegistry({ db, clock, staleAfterMs: config.worker.leaseSeconds * 1000 });
  const metrics = new Metrics({ db, clock, workers, process: options.processName ?? "server" });
  const spotifyBudget = new SpotifyBudget({
    database,
    clock,
    timers: http.timers,
    logger,
    maxRequestsPerSecond: config.spotify.maxRequestsPerSecond,
    observer: {
      waited: (ms) => metrics.spotifyBudgetWaited(ms),
      paused: (ms) => metrics.spotifyRetryAfter(ms),
    },
  });
  const rulesJudge = new RulesJudge();
  const judge: Judge = config.llm
    ? new LlmJudge(config.llm, { fallback: rulesJudge, logger, fetch: http.fetch, timers: http.timers })
    : rulesJudge;
  const standings = new StandingsService({ db, minListeners: config.standings.minListeners });
  const matchRulesJudge = new MatchRulesJudge();
  const matchJudge: MatchJudge = config.llm
    ? new MatchLlmJudge(config.llm, {
        fallback: matchRulesJudge,
        logger,
        fetch: http.fetch,
        timers: http.timers,
      })
    : matchRulesJudge;
  const coordinator = new Coordinator({
    queue,
    tokens: new TokenService({ db, cipher, accounts: spotifyAccounts, clock, timers, logger }),
    collector: new Collector(
      new SpotifyWebApiClient(config.spotify.apiUrl, {
        http,
        budget: spotifyBudget,
        observe: (endpoint, outcome) => metrics.spotifyRequest(endpoint, outcome),
      }),
      logger,
    ),
    profiler: new Profiler(),
    judge,
    persister: new Persister(queue, async (task, result) => {
      try {
        await standings.record(task.userId, task.id, standingsValuesOf(result));
      } catch (error) {
        // Standings are derived data: the verdict is stored; the next rebuild repairs them.
        logger.error({ err: error, analysisId: task.id }, "could not update the standings");
      }
    }),
    logger,
    clock,
    timers,
    metrics,
    llmConfigured: config.llm !== null,
  });

  return {
    config,
    database,
    clock,
    logger,
    cipher,
    accessTokens,
    /** Revoked session families, pushed over NOTIFY; consulted in memory by every token check. */
    revocations,
    spotifyAccounts,
    sessions,
    signIn,
    queue,
    statusHub,
    coordinator,
    analyses: new AnalysisService({
      db,
      queue,
      hub: statusHub,
      clock,
      publicUrl: config.server.publicUrl,
      freshCooldownSeconds: config.analysis.freshCooldownSeconds,
      standings,
      workers,
      metrics,
      hintRecheck: { intervalMs: Math.max(1_000, (config.worker.leaseSeconds * 1000) / 3), timers },
    }),
    workers,
    metrics,
    spotifyBudget,
    retention: new RetentionSweeper({
      db,
      clock,
      logger,
      analysisRetentionDays: config.analysis.retentionDays,
    }),
    /** Per-client token buckets of every entry point that limits (tRPC middleware, sign-in routes). */
    rateLimiter: new RateLimiter(config.server.rateLimits, clock),
    /** The open analysis.watch streams: capped per user and per process, ended on revocation. */
    watchStreams: new WatchStreams(
      { perUser: config.server.watchStreamsPerUser, max: config.server.watchStreamsMax },
      revocations,
    ),
    shares: new ShareService({ db, clock, publicUrl: config.server.publicUrl }),
    matches: new MatchService({ db, clock, publicUrl: config.server.publicUrl, judge: matchJudge }),
    standings,
    accounts: new AccountService({ db, revocations }),
    /** A worker over this process's database; the caller starts and stops it. */
    createWorker(workerOptions: { id?: string | undefined } = {}) {
      return new Worker({
        queue,
        coordinator,
        database,
        logger,
        clock,
        timers,
        registry: workers,
        metrics,
        settings: {
          concurrency: config.worker.concurrency,
          leaseSeconds: config.worker.leaseSeconds,
          pollIntervalMs: config.worker.pollIntervalMs,
          shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
        },
        id: workerOptions.id,
      });
    },
    users: {
      me: (userId: string) => findUserWithConnection(db, userId, clock),
    },
    /** Throws when the database does not answer; else how many workers are live. */
    async health(): Promise<{ liveWorkers: number }> {
      await database.ping();
      return { liveWorkers: await workers.liveCount() };
    },
  };
}

export type Services = ReturnType<typeof createServices>;

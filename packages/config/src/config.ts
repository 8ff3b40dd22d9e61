import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";

export type Environment = Record<string, string | undefined>;

export type DatabaseKind = "postgres" | "pglite";
export type WorkerMode = "inline" | "external";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface PoolConfig {
  /** Connections per process. */
  readonly max: number;
  /** Idle connections are closed after this many seconds. */
  readonly idleTimeoutSeconds: number;
  /** Connections are replaced after this many seconds, so a dead or stale one is never kept forever. */
  readonly maxLifetimeSeconds: number;
  readonly connectTimeoutSeconds: number;
}

export interface DatabaseConfig {
  readonly kind: DatabaseKind;
  /** postgres:// URL, or the PGlite data directory, or "memory://". */
  readonly url: string;
  readonly pool: PoolConfig;
}

export interface EncryptionKey {
  /** Short, non-secret fingerprint stored next to each ciphertext, so keys can be rotated. */
  readonly id: string;
  readonly key: Buffer;
}

/** A token bucket: `burst` requests at once, refilled at `perMinute`. */
export interface RateLimitRule {
  readonly perMinute: number;
  readonly burst: number;
}

export interface RateLimits {
  /** GET /auth/spotify/login and /auth/spotify/callback (and the browser session routes). */
  readonly signIn: RateLimitRule;
  /** auth.exchange and auth.refresh. */
  readonly auth: RateLimitRule;
}

export interface Config {
  readonly nodeEnv: "development" | "production" | "test";
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string;
    readonly appUrl: string;
    readonly https:
      | { readonly mode: "off" }
      | { readonly mode: "files"; readonly certFile: string; readonly keyFile: string }
      | { readonly mode: "self-signed" };
    readonly bodyLimitBytes: number;
    /** TRPC_MAX_BATCH_SIZE: calls allowed in one batched tRPC request. */
    readonly maxBatchSize: number;
    /** TRUST_PROXY: how many proxies in front of us append to X-Forwarded-For (0: ignore the header). */
    readonly trustedProxyHops: number;
    /** Per-client token buckets of the sign-in routes and the unauthenticated auth procedures. */
    readonly rateLimits: RateLimits;
    /** WATCH_STREAMS_PER_USER: concurrent analysis.watch streams one user may hold open. */
    readonly watchStreamsPerUser: number;
    /** WATCH_STREAMS_MAX: concurrent analysis.watch streams of the whole process. */
    readonly watchStreamsMax: number;
  };
  readonly auth: {
    readonly jwtSecret: string;
    readonly jwtIssuer: string;
    readonly jwtAudience: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
    /** The key new ciphertexts are written with. */
    readonly tokenEncryptionKey: EncryptionKey;
    /** Older keys still accepted for decryption during a rotation. */
    readonly previousTokenEncryptionKeys: readonly EncryptionKey[];
  };
  readonly spotify: {
    /** No Spotify credentials: the sandbox is mounted and used instead. */
    readonly demo: boolean;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly accountsUrl: string;
    readonly apiUrl: string;
    readonly redirectUri: string;
    readonly sandboxLatencyMs: number;
    /**
     * Demo mode: behave as a development-mode app (no popularity, followers, email, country; at most five
     * distinct listeners, the sixth refused as Spotify refuses a user the app's owner has not added).
     */
    readonly sandboxDevelopmentMode: boolean;
    /** Demo mode: lifetime of the sandbox's access tokens (Spotify: 3600 s); minutes make refreshes routine. */
    readonly sandboxAccessTokenTtlSeconds: number;
    /** Demo mode: whether a refresh returns a new refresh token: every second one, always, or never. */
    readonly sandboxRefreshTokenRotation: "sometimes" | "always" | "off";
    /** Demo mode: presenting a rotated-away refresh token revokes the whole grant. */
    readonly sandboxRefreshTokenReuseDetection: boolean;
    /** Web API requests per second shared by every worker of the deployment; null for no cap. */
    readonly maxRequestsPerSecond: number | null;
  };
  readonly llm: {
    readonly baseUrl: string;
    readonly apiKey: string;
    readonly model: string;
    readonly timeoutMs: number;
  } | null;
  readonly worker: {
    readonly mode: WorkerMode;
    readonly concurrency: number;
    readonly leaseSeconds: number;
    readonly maxAttempts: number;
    readonly shutdownGraceSeconds: number;
    readonly pollIntervalMs: number;
  };
  readonly analysis: {
    /** Minimum seconds between two `fresh` analyses of one user. */
    readonly freshCooldownSeconds: number;
    /** Analyses older than this many days are deleted, except each user's latest; null keeps them. */
    readonly retentionDays: number | null;
  };
  readonly metrics: {
    /** Bearer token /metrics requires; null leaves it open (keep it on a private network then). */
    readonly token: string | null;
    /** The port a worker process serves its own /metrics on; null for none. */
    readonly workerPort: number | null;
  };
  readonly standings: {
    /** Listeners needed before standings are shown. */
    readonly minListeners: number;
  };
  readonly migrate: boolean;
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems
        .map((problem) => `  ${problem.variable}: ${problem.message}`)
        .join("\n")}`,
    );
  }
}

const DEMO_CLIENT_ID = "unwrapped-demo-client";
const DEMO_CLIENT_SECRET = "unwrapped-demo-secret";
const SPOTIFY_ACCOUNTS_URL = "https://accounts.spotify.com";
const SPOTIFY_API_URL = "https://api.spotify.com";

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const integer = (fallback: number, min: number, max: number) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional()
      .transform((value) => value ?? fallback),
  );

const optionalInteger = (min: number, max: number) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional(),
  );

const positiveNumber = (max: number) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, `must be a number above 0 and at most ${max}`)
      .transform(Number)
      .pipe(z.number().gt(0, "must be above 0").max(max, `must be at most ${max}`))
      .optional(),
  );

const onOff = (fallback: boolean) =>
  optionalString.pipe(
    z
      .enum(["on", "off", "true", "false", "1", "0", "yes", "no"], { error: "must be on or off" })
      .optional()
      .transform((value) => (value === undefined ? fallback : ["on", "true", "1", "yes"].includes(value))),
  );

const httpUrl = optionalString.pipe(
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
);

const rawSchema = z.object({
  NODE_ENV: optionalString.pipe(
    z
      .enum(["development", "production", "test"], { error: "must be development, production or test" })
      .optional(),
  ),
  DATA_DIR: optionalString,
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .refine(
        (value) =>
          /^(postgres|postgresql):\/\/.+/.test(value) || value === "memory://" || value.startsWith("file:"),
        {
          message: "must be a postgres:// URL, memory://, or file:<directory>",
        },
      )
      .optional(),
  ),
  DB_POOL_MAX: integer(10, 1, 1000),
  DB_IDLE_TIMEOUT_SECONDS: integer(30, 0, 86_400),
  DB_MAX_LIFETIME_SECONDS: integer(1800, 0, 86_400),
  DB_CONNECT_TIMEOUT_SECONDS: integer(10, 1, 600),
  HOST: optionalString,
  PORT: integer(8000, 0, 65_535),
  PUBLIC_URL: httpUrl,
  APP_URL: httpUrl,
  HTTPS: optionalString.pipe(
    z
      .enum(["off", "on", "self-signed"], {
        error: "must be off, on (with HTTPS_CERT_FILE and HTTPS_KEY_FILE) or self-signed",
      })
      .optional(),
  ),
  HTTPS_CERT_FILE: optionalString,
  HTTPS_KEY_FILE: optionalString,
  BODY_LIMIT_KB: integer(100, 1, 10_240),
  TRPC_MAX_BATCH_SIZE: integer(10, 1, 1000),
  TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .regex(/^(on|off|true|false|\d{1,2})$/, "must be off, on (one proxy) or a hop count")
      .optional()
      .transform((value) =>
        value === undefined || value === "off" || value === "false"
          ? 0
          : value === "on" || value === "true"
            ? 1
            : Number(value),
      ),
  ),
  RATE_LIMIT_SIGN_IN_PER_MINUTE: integer(30, 1, 1_000_000),
  RATE_LIMIT_SIGN_IN_BURST: integer(10, 1, 1_000_000),
  RATE_LIMIT_AUTH_PER_MINUTE: integer(60, 1, 1_000_000),
  RATE_LIMIT_AUTH_BURST: integer(20, 1, 1_000_000),
  WATCH_STREAMS_PER_USER: integer(5, 1, 1000),
  WATCH_STREAMS_MAX: integer(10_000, 1, 1_000_000),
  JWT_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  ACCESS_TOKEN_TTL_SECONDS: integer(900, 5, 86_400),
  REFRESH_TOKEN_TTL_DAYS: integer(30, 1, 365),
  TOKEN_ENCRYPTION_KEY: optionalString.pipe(base64Key().optional()),
  TOKEN_ENCRYPTION_KEYS_PREVIOUS: optionalString,
  SPOTIFY_CLIENT_ID: optionalString,
  SPOTIFY_CLIENT_SECRET: optionalString,
  SPOTIFY_ACCOUNTS_URL: httpUrl,
  SPOTIFY_API_URL: httpUrl,
  SANDBOX_LATENCY_MS: integer(0, 0, 60_000),
  SANDBOX_DEVELOPMENT_MODE: onOff(false),
  SANDBOX_ACCESS_TOKEN_TTL: integer(3600, 10, 86_400),
  SANDBOX_REFRESH_TOKEN_ROTATION: optionalString.pipe(
    z
      .enum(["sometimes", "always", "off"], { error: "must be sometimes, always or off" })
      .optional()
      .transform((value) => value ?? "sometimes"),
  ),
  SANDBOX_REFRESH_TOKEN_REUSE_DETECTION: onOff(false),
  LLM_BASE_URL: httpUrl,
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  LLM_TIMEOUT_MS: integer(20_000, 100, 600_000),
  WORKER: optionalString.pipe(
    z.enum(["inline", "external"], { error: "must be inline or external" }).optional(),
  ),
  WORKER_CONCURRENCY: integer(4, 1, 256),
  WORKER_LEASE_SECONDS: integer(60, 1, 3600),
  WORKER_MAX_ATTEMPTS: integer(5, 1, 50),
  WORKER_SHUTDOWN_GRACE_SECONDS: integer(20, 0, 600),
  WORKER_POLL_INTERVAL_MS: integer(2000, 10, 600_000),
  FRESH_ANALYSIS_COOLDOWN_SECONDS: integer(60, 0, 86_400),
  MIN_STANDINGS_LISTENERS: integer(20, 1, 1_000_000),
  ANALYSIS_RETENTION_DAYS: optionalInteger(1, 36_500),
  SPOTIFY_MAX_RPS: positiveNumber(10_000),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  WORKER_METRICS_PORT: optionalInteger(0, 65_535),
  MIGRATE: onOff(true),
  LOG_LEVEL: optionalString.pipe(
    z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .optional(),
  ),
});

function base64Key() {
  return z.string().refine((value) => decodeKey(value) !== null, {
    message: "must be 32 bytes encoded as base64 (generate one with: openssl rand -base64 32)",
  });
}

function decodeKey(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  const key = Buffer.from(value, "base64");
  return key.length === 32 ? key : null;
}

export function encryptionKeyFrom(value: string): EncryptionKey {
  const key = decodeKey(value);
  if (!key)
    throw new ConfigError([
      { variable: "TOKEN_ENCRYPTION_KEY", message: "must be 32 bytes encoded as base64" },
    ]);
  return { id: createHash("sha256").update(key).digest("base64url").slice(0, 8), key };
}

export interface LoadConfigOptions {
  /** Directory holding `.env` and (by default) `.data/`. Defaults to process.cwd(). */
  readonly cwd?: string;
  /** Read `.env` from cwd when present. Default true. */
  readonly readDotEnv?: boolean;
}

/**
 * Reads, validates and freezes the configuration. Every problem is reported at once, by variable name.
 * Outside production, missing JWT_SECRET and TOKEN_ENCRYPTION_KEY are generated once and kept in
 * `<DATA_DIR>/secrets.json` (mode 0600), so restarts keep sessions valid and old tokens decryptable.
 */
export function loadConfig(env: Environment = process.env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const merged: Environment = {
    ...(options.readDotEnv === false ? {} : readDotEnv(cwd)),
    ...definedOnly(env),
  };

  // Every problem is reported at once: a variable that fails its own check is left out (as if unset)
  // and the rest is parsed and cross-checked, so one bad value never hides the others.
  const problems: { variable: string; message: string }[] = [];
  const first = rawSchema.safeParse(merged);
  let raw: z.infer<typeof rawSchema>;
  if (first.success) {
    raw = first.data;
  } else {
    const invalid = new Set<string>();
    for (const issue of first.error.issues) {
      const variable = String(issue.path[0] ?? "environment");
      invalid.add(variable);
      problems.push({ variable, message: issue.message });
    }
    const rest = rawSchema.safeParse(
      Object.fromEntries(Object.entries(merged).filter(([variable]) => !invalid.has(variable))),
    );
    if (!rest.success) throw new ConfigError(dedupe(problems));
    raw = rest.data;
  }
  const nodeEnv = raw.NODE_ENV ?? "development";
  const production = nodeEnv === "production";

  if (raw.HTTPS === "on" && (!raw.HTTPS_CERT_FILE || !raw.HTTPS_KEY_FILE)) {
    if (!raw.HTTPS_CERT_FILE)
      problems.push({ variable: "HTTPS_CERT_FILE", message: "is required when HTTPS=on" });
    if (!raw.HTTPS_KEY_FILE)
      problems.push({ variable: "HTTPS_KEY_FILE", message: "is required when HTTPS=on" });
  }
  if (Boolean(raw.SPOTIFY_CLIENT_ID) !== Boolean(raw.SPOTIFY_CLIENT_SECRET)) {
    const missing = raw.SPOTIFY_CLIENT_ID ? "SPOTIFY_CLIENT_SECRET" : "SPOTIFY_CLIENT_ID";
    problems.push({ variable: missing, message: "must be set together with the other Spotify credential" });
  }
  if (raw.LLM_BASE_URL && !raw.LLM_MODEL) {
    problems.push({ variable: "LLM_MODEL", message: "is required when LLM_BASE_URL is set" });
  }
  const previousKeys: EncryptionKey[] = [];
  for (const [index, value] of (raw.TOKEN_ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").entries()) {
    if (value.trim() === "") continue;
    if (decodeKey(value.trim()) === null) {
      problems.push({
        variable: "TOKEN_ENCRYPTION_KEYS_PREVIOUS",
        message: `entry ${index + 1} must be 32 bytes encoded as base64`,
      });
    } else {
      previousKeys.push(encryptionKeyFrom(value.trim()));
    }
  }
  const host = raw.HOST ?? "127.0.0.1";
  const httpsMode = raw.HTTPS ?? (raw.HTTPS_CERT_FILE && raw.HTTPS_KEY_FILE ? "on" : "off");
  const scheme = httpsMode === "off" ? "http" : "https";
  const publicUrl = raw.PUBLIC_URL ?? `${scheme}://${host.includes(":") ? `[${host}]` : host}:${raw.PORT}`;
  if (production) {
    if (new URL(publicUrl).protocol !== "https:" && !isLoopbackUrl(publicUrl))
      problems.push({
        variable: "PUBLIC_URL",
        message: "must be an https URL in production (http only for a loopback address)",
      });
    if (!raw.JWT_SECRET && !problems.some((problem) => problem.variable === "JWT_SECRET"))
      problems.push({ variable: "JWT_SECRET", message: "is required in production" });
    if (!raw.TOKEN_ENCRYPTION_KEY && !problems.some((problem) => problem.variable === "TOKEN_ENCRYPTION_KEY"))
      problems.push({ variable: "TOKEN_ENCRYPTION_KEY", message: "is required in production" });
    if (!raw.SPOTIFY_CLIENT_ID)
      problems.push({
        variable: "SPOTIFY_CLIENT_ID",
        message: "is required in production (demo mode is off)",
      });
    if (!raw.SPOTIFY_CLIENT_SECRET)
      problems.push({
        variable: "SPOTIFY_CLIENT_SECRET",
        message: "is required in production (demo mode is off)",
      });
  }
  if (problems.length > 0) throw new ConfigError(dedupe(problems));

  const dataDir = resolveIn(cwd, raw.DATA_DIR ?? ".data");
  const secrets =
    raw.JWT_SECRET && raw.TOKEN_ENCRYPTION_KEY
      ? { jwtSecret: raw.JWT_SECRET, tokenEncryptionKey: raw.TOKEN_ENCRYPTION_KEY }
      : persistedSecrets(dataDir, raw.JWT_SECRET, raw.TOKEN_ENCRYPTION_KEY);

  const databaseKind: DatabaseKind = raw.DATABASE_URL?.startsWith("postgres") ? "postgres" : "pglite";
  const databaseUrl =
    raw.DATABASE_URL === undefined
      ? join(dataDir, "pglite")
      : raw.DATABASE_URL.startsWith("file:")
        ? resolveIn(cwd, raw.DATABASE_URL.slice("file:".length))
        : raw.DATABASE_URL;

  const appUrl = raw.APP_URL ?? publicUrl;
  const demo = !raw.SPOTIFY_CLIENT_ID;

  const config: Config = {
    nodeEnv,
    dataDir,
    database: {
      kind: databaseKind,
      url: databaseUrl,
      pool: {
        max: raw.DB_POOL_MAX,
        idleTimeoutSeconds: raw.DB_IDLE_TIMEOUT_SECONDS,
        maxLifetimeSeconds: raw.DB_MAX_LIFETIME_SECONDS,
        connectTimeoutSeconds: raw.DB_CONNECT_TIMEOUT_SECONDS,
      },
    },
    server: {
      host,
      port: raw.PORT,
      publicUrl,
      appUrl,
      https:
        httpsMode === "on"
          ? {
              mode: "files",
              certFile: resolveIn(cwd, raw.HTTPS_CERT_FILE ?? ""),
              keyFile: resolveIn(cwd, raw.HTTPS_KEY_FILE ?? ""),
            }
          : httpsMode === "self-signed"
            ? { mode: "self-signed" }
            : { mode: "off" },
      bodyLimitBytes: raw.BODY_LIMIT_KB * 1024,
      maxBatchSize: raw.TRPC_MAX_BATCH_SIZE,
      trustedProxyHops: raw.TRUST_PROXY,
      rateLimits: {
        signIn: { perMinute: raw.RATE_LIMIT_SIGN_IN_PER_MINUTE, burst: raw.RATE_LIMIT_SIGN_IN_BURST },
        auth: { perMinute: raw.RATE_LIMIT_AUTH_PER_MINUTE, burst: raw.RATE_LIMIT_AUTH_BURST },
      },
      watchStreamsPerUser: raw.WATCH_STREAMS_PER_USER,
      watchStreamsMax: raw.WATCH_STREAMS_MAX,
    },
    auth: {
      jwtSecret: secrets.jwtSecret,
      jwtIssuer: publicUrl,
      jwtAudience: "unwrapped-api",
      accessTokenTtlSeconds: raw.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL_DAYS * 86_400,
      tokenEncryptionKey: encryptionKeyFrom(secrets.tokenEncryptionKey),
      previousTokenEncryptionKeys: previousKeys,
    },
    spotify: {
      demo,
      clientId: raw.SPOTIFY_CLIENT_ID ?? DEMO_CLIENT_ID,
      clientSecret: raw.SPOTIFY_CLIENT_SECRET ?? DEMO_CLIENT_SECRET,
      accountsUrl:
        raw.SPOTIFY_ACCOUNTS_URL ?? (demo ? `${publicUrl}/sandbox/spotify/accounts` : SPOTIFY_ACCOUNTS_URL),
      apiUrl: raw.SPOTIFY_API_URL ?? (demo ? `${publicUrl}/sandbox/spotify/api` : SPOTIFY_API_URL),
      redirectUri: `${publicUrl}/auth/spotify/callback`,
      sandboxLatencyMs: raw.SANDBOX_LATENCY_MS,
      sandboxDevelopmentMode: raw.SANDBOX_DEVELOPMENT_MODE,
      sandboxAccessTokenTtlSeconds: raw.SANDBOX_ACCESS_TOKEN_TTL,
      sandboxRefreshTokenRotation: raw.SANDBOX_REFRESH_TOKEN_ROTATION,
      sandboxRefreshTokenReuseDetection: raw.SANDBOX_REFRESH_TOKEN_REUSE_DETECTION,
      maxRequestsPerSecond: raw.SPOTIFY_MAX_RPS ?? null,
    },
    llm: raw.LLM_BASE_URL
      ? {
          baseUrl: raw.LLM_BASE_URL,
          apiKey: raw.LLM_API_KEY ?? "",
          model: raw.LLM_MODEL ?? "",
          timeoutMs: raw.LLM_TIMEOUT_MS,
        }
      : null,
    worker: {
      mode: raw.WORKER ?? (databaseKind === "pglite" ? "inline" : "external"),
      concurrency: raw.WORKER_CONCURRENCY,
      leaseSeconds: raw.WORKER_LEASE_SECONDS,
      maxAttempts: raw.WORKER_MAX_ATTEMPTS,
      shutdownGraceSeconds: raw.WORKER_SHUTDOWN_GRACE_SECONDS,
      pollIntervalMs: raw.WORKER_POLL_INTERVAL_MS,
    },
    analysis: {
      freshCooldownSeconds: raw.FRESH_ANALYSIS_COOLDOWN_SECONDS,
      retentionDays: raw.ANALYSIS_RETENTION_DAYS ?? null,
    },
    metrics: { token: raw.METRICS_TOKEN ?? null, workerPort: raw.WORKER_METRICS_PORT ?? null },
    standings: { minListeners: raw.MIN_STANDINGS_LISTENERS },
    migrate: raw.MIGRATE,
    logLevel: raw.LOG_LEVEL ?? (nodeEnv === "test" ? "silent" : "info"),
  };
  return deepFreeze(config);
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function definedOnly(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

function readDotEnv(cwd: string): Environment {
  const path = join(cwd, ".env");
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8")) as Environment;
}

function resolveIn(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function dedupe(problems: { variable: string; message: string }[]) {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.variable}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const persistedSecretsSchema = z.object({ jwtSecret: z.string().min(32), tokenEncryptionKey: base64Key() });

/** Development secrets, generated once and kept next to the embedded database. */
function persistedSecrets(
  dataDir: string,
  jwtSecret: string | undefined,
  tokenEncryptionKey: string | undefined,
) {
  const path = join(dataDir, "secrets.json");
  const stored = readSecrets(path) ?? writeSecrets(dataDir, path);
  return {
    jwtSecret: jwtSecret ?? stored.jwtSecret,
    tokenEncryptionKey: tokenEncryptionKey ?? stored.tokenEncryptionKey,
  };
}

function readSecrets(path: string) {
  if (!existsSync(path)) return undefined;
  const parsed = persistedSecretsSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    throw new ConfigError([
      { variable: "DATA_DIR", message: `${path} is corrupt; delete it to generate new secrets` },
    ]);
  }
  return parsed.data;
}

function writeSecrets(dataDir: string, path: string) {
  const generated = {
    jwtSecret: randomBytes(48).toString("base64url"),
    tokenEncryptionKey: randomBytes(32).toString("base64"),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Written whole to a private file, then linked into place: when two processes start at once, exactly one
  // link succeeds and the other reads the complete file it made.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temporary, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  try {
    linkSync(temporary, path);
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const stored = readSecrets(path);
    if (!stored) throw error;
    return stored;
  } finally {
    unlinkSync(temporary);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The database tests run against: PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite.
 * Read here because this package is the only reader of the environment.
 */
export function testDatabaseUrl(env: Environment = process.env): string | undefined {
  const value = env.TEST_DATABASE_URL?.trim();
  if (!value) return undefined;
  if (!/^(postgres|postgresql):\/\/.+/.test(value)) {
    throw new ConfigError([{ variable: "TEST_DATABASE_URL", message: "must be a postgres:// URL" }]);
  }
  return value;
}

/** For process entry points: the config, or the readable list of problems on stderr and exit code 1. */
export function loadConfigOrExit(env: Environment = process.env, options: LoadConfigOptions = {}): Config {
  try {
    return loadConfig(env, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

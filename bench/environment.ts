import { randomBytes } from "node:crypto";
import { type Config, loadConfig } from "@unwrapped/config";

/**
 * Every variable packages/config reads. The bench sets each one explicitly (empty = the default) for the
 * processes it starts, so neither the shell that runs the bench nor a `.env` file changes what is measured.
 */
const CONFIG_VARIABLES = [
  "NODE_ENV",
  "DATA_DIR",
  "DATABASE_URL",
  "DB_POOL_MAX",
  "DB_IDLE_TIMEOUT_SECONDS",
  "DB_MAX_LIFETIME_SECONDS",
  "DB_CONNECT_TIMEOUT_SECONDS",
  "HOST",
  "PORT",
  "PUBLIC_URL",
  "APP_URL",
  "HTTPS",
  "HTTPS_CERT_FILE",
  "HTTPS_KEY_FILE",
  "BODY_LIMIT_KB",
  "JWT_SECRET",
  "ACCESS_TOKEN_TTL_SECONDS",
  "REFRESH_TOKEN_TTL_DAYS",
  "TOKEN_ENCRYPTION_KEY",
  "TOKEN_ENCRYPTION_KEYS_PREVIOUS",
  "SPOTIFY_CLIENT_ID",
  "SPOTIFY_CLIENT_SECRET",
  "SPOTIFY_ACCOUNTS_URL",
  "SPOTIFY_API_URL",
  "SANDBOX_LATENCY_MS",
  "SANDBOX_DEVELOPMENT_MODE",
  "SANDBOX_ACCESS_TOKEN_TTL",
  "SANDBOX_REFRESH_TOKEN_ROTATION",
  "SANDBOX_REFRESH_TOKEN_REUSE_DETECTION",
  "LLM_BASE_URL",
  "LLM_API_KEY",
  "LLM_MODEL",
  "LLM_TIMEOUT_MS",
  "WORKER",
  "WORKER_CONCURRENCY",
  "WORKER_LEASE_SECONDS",
  "WORKER_MAX_ATTEMPTS",
  "WORKER_SHUTDOWN_GRACE_SECONDS",
  "WORKER_POLL_INTERVAL_MS",
  "FRESH_ANALYSIS_COOLDOWN_SECONDS",
  "MIGRATE",
  "LOG_LEVEL",
  "METRICS_TOKEN",
  "WORKER_METRICS_PORT",
  "SPOTIFY_MAX_RPS",
  "ANALYSIS_RETENTION_DAYS",
  "TRPC_MAX_BATCH_SIZE",
  "TRUST_PROXY",
  "RATE_LIMIT_SIGN_IN_PER_MINUTE",
  "RATE_LIMIT_SIGN_IN_BURST",
  "RATE_LIMIT_AUTH_PER_MINUTE",
  "RATE_LIMIT_AUTH_BURST",
  "WATCH_STREAMS_PER_USER",
  "WATCH_STREAMS_MAX",
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];
export type UnwrappedEnvironment = Partial<Record<ConfigVariable, string>>;

/** The Spotify sandbox's built-in client, the credentials demo mode uses. */
export const DEMO_CLIENT = { id: "unwrapped-demo-client", secret: "unwrapped-demo-secret" } as const;

/** One pair of secrets per bench run, shared by its servers, workers and in-process services. */
const RUN_SECRETS = {
  JWT_SECRET: randomBytes(48).toString("base64url"),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};

/**
 * Settings of an unwrapped process under the bench: the run's secrets, access tokens that outlive the
 * run, warnings-only logging (a log line per request would dominate the measurement), plus `overrides`.
 */
export function unwrappedSettings(overrides: UnwrappedEnvironment): UnwrappedEnvironment {
  return {
    ...RUN_SECRETS,
    ACCESS_TOKEN_TTL_SECONDS: "86400",
    LOG_LEVEL: "warn",
    // The bench signs thousands of listeners in from one address; the flood scenario sets real limits.
    RATE_LIMIT_SIGN_IN_BURST: "1000000",
    RATE_LIMIT_AUTH_BURST: "1000000",
    WATCH_STREAMS_MAX: "1000000",
    ...overrides,
  };
}

/** The environment of a child process: the bench's own (PATH, HOME…) with every config variable pinned. */
export function processEnvironment(settings: UnwrappedEnvironment): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env };
  for (const variable of CONFIG_VARIABLES) environment[variable] = settings[variable] ?? "";
  return environment;
}

/** The same settings as a Config, for services the bench runs in its own process. */
export function configFrom(settings: UnwrappedEnvironment): Config {
  return loadConfig({ ...settings }, { readDotEnv: false });
}

export type {
  Config,
  DatabaseConfig,
  DatabaseKind,
  EncryptionKey,
  Environment,
  LoadConfigOptions,
  LogLevel,
  PoolConfig,
  RateLimitRule,
  RateLimits,
  WorkerMode,
} from "./config.js";
export { ConfigError, encryptionKeyFrom, loadConfig, loadConfigOrExit, testDatabaseUrl } from "./config.js";

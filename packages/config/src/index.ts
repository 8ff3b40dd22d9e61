export type {
  Config,
  DatabaseConfig,
  DatabaseKind,
  EncryptionKey,
  Environment,
  LoadConfigOptions,
  LogLevel,
  PoolConfig,
  WorkerMode,
} from "./config.js";
export { ConfigError, encryptionKeyFrom, loadConfig, loadConfigOrExit, testDatabaseUrl } from "./config.js";

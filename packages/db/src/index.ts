export {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  type DatabaseHandle,
  type ListenOptions,
  notify,
  rowsOf,
  type Schema,
  type Unlisten,
} from "./client.js";
export { isDatabaseUnavailable } from "./errors.js";
export {
  defaultMigrationsFolder,
  type MigrateOptions,
  type MigrateResult,
  migrate,
  pendingMigrationCount,
} from "./migrate.js";
export * from "./schema.js";

import { mkdirSync } from "node:fs";
import type { DatabaseConfig, DatabaseKind } from "@unwrapped/config";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema.js";

export type Schema = typeof schema;

/**
 * The database as services see it: the same type for postgres.js, PGlite and a transaction on either,
 * so code never knows which driver runs and a test can hand it a rolled-back transaction.
 */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type Unlisten = () => Promise<void>;

export interface ListenOptions {
  /**
   * Called each time the subscription is (re)established. After a lost connection notifications sent in
   * between are gone, so listeners re-read what they track when this fires again.
   */
  readonly onSubscribed?: () => void;
}

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: DatabaseKind;
  /**
   * Subscribes to a NOTIFY channel. On PostgreSQL a dedicated connection listens and re-subscribes
   * after a reconnect; on PGlite notifications come from the same in-process instance.
   */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<Unlisten>;
  /** Sends a NOTIFY now (outside any transaction). Inside a transaction use `notify(tx, ...)`. */
  notify(channel: string, payload: string): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** PGlite only: start from a dump made with `dumpDataDir` (tests start from a migrated image). */
  readonly loadDataDir?: Blob;
  /** Name reported to PostgreSQL (pg_stat_activity), to tell processes apart. */
  readonly applicationName?: string;
}

const drizzleOptions = { schema, casing: "snake_case" } as const;

/**
 * Opens the configured database. Each driver is loaded only when used: a process on PGlite never loads
 * postgres.js, one on PostgreSQL never loads PGlite (start-up time).
 */
export async function createDatabase(
  config: DatabaseConfig,
  options: CreateDatabaseOptions = {},
): Promise<DatabaseHandle> {
  return config.kind === "postgres" ? createPostgres(config, options) : createPglite(config, options);
}

async function createPostgres(
  config: DatabaseConfig,
  options: CreateDatabaseOptions,
): Promise<DatabaseHandle> {
  const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([
    import("postgres"),
    import("drizzle-orm/postgres-js"),
  ]);
  const client = postgres(config.url, {
    max: config.pool.max,
    idle_timeout: config.pool.idleTimeoutSeconds,
    max_lifetime: config.pool.maxLifetimeSeconds === 0 ? null : config.pool.maxLifetimeSeconds,
    connect_timeout: config.pool.connectTimeoutSeconds,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "unwrapped" },
  });
  const db = drizzlePostgres(client, drizzleOptions) as unknown as Database;
  return {
    db,
    kind: "postgres",
    async listen(channel, onPayload, listenOptions) {
      const subscription = await client.listen(channel, onPayload, listenOptions?.onSubscribed);
      return () => subscription.unlisten();
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async ping() {
      await client`select 1`;
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

async function createPglite(config: DatabaseConfig, options: CreateDatabaseOptions): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("drizzle-orm/pglite"),
  ]);
  const inMemory = config.url === "memory://";
  if (!inMemory) mkdirSync(config.url, { recursive: true, mode: 0o700 });
  const client = await PGlite.create(inMemory ? undefined : config.url, {
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    relaxedDurability: inMemory,
  });
  const db = drizzlePglite(client, drizzleOptions) as unknown as Database;
  return {
    db,
    kind: "pglite",
    async listen(channel, onPayload, listenOptions) {
      const unlisten = await client.listen(channel, onPayload);
      listenOptions?.onSubscribed?.();
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    async notify(channel, payload) {
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async ping() {
      await client.query("select 1");
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/** NOTIFY through any database or transaction; inside a transaction it is delivered at commit. */
export async function notify(db: Database, channel: string, payload: string): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

/** The rows of `db.execute`, whichever driver ran it (postgres.js returns an array, PGlite `{ rows }`). */
export function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  return ((result as { rows?: Row[] }).rows ?? []) as Row[];
}

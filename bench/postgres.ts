import { execFileSync } from "node:child_process";
import { createDatabase, migrate } from "@unwrapped/db";
import postgres from "postgres";
import { isProcessAlive, pidsNamed } from "./processes.js";

/** The bench's PostgreSQL: local, trust authentication, as on the development machines. */
export const POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const POSTGRES_START_COMMAND = "pg_ctlcluster --skip-systemctl-redirect 15 main start";

/** Bench databases are named unwrapped_bench_<pid of the bench>_<label>, so leftovers can be told apart. */
const BENCH_DATABASE_PREFIX = "unwrapped_bench_";

export class PrerequisiteError extends Error {
  override readonly name = "PrerequisiteError";
}

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** A small postgres.js pool for the bench's own queries (setup and checks). */
  readonly sql: postgres.Sql;
  drop(): Promise<void>;
}

const created = new Set<BenchDatabase>();

function adminConnection(): postgres.Sql {
  return postgres(POSTGRES_ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
}

function urlOf(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Fails with a message saying what to do when PostgreSQL cannot be reached. */
export async function requirePostgres(): Promise<string> {
  const admin = adminConnection();
  try {
    const [row] = await admin<{ server_version: string }[]>`show server_version`;
    return row?.server_version ?? "unknown";
  } catch (error) {
    throw new PrerequisiteError(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}).\n` +
        `The bench needs a local PostgreSQL with trust authentication for user postgres. Start it with:\n` +
        `  ${POSTGRES_START_COMMAND}`,
    );
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/** Drops bench databases left behind by runs that died (their bench process is gone). */
export async function dropAbandonedBenchDatabases(): Promise<string[]> {
  const admin = adminConnection();
  try {
    const rows = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`${BENCH_DATABASE_PREFIX}%`}`;
    const dropped: string[] = [];
    for (const { datname } of rows) {
      const owner = Number(/^unwrapped_bench_(\d+)_/.exec(datname)?.[1]);
      if (Number.isInteger(owner) && owner !== process.pid && isProcessAlive(owner)) continue;
      await admin.unsafe(`drop database if exists "${datname}" with (force)`);
      dropped.push(datname);
    }
    return dropped;
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/** A new database of this run, migrated with the repository's migrations; dropped by `dropBenchDatabases`. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `${BENCH_DATABASE_PREFIX}${process.pid}_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}`;
  const admin = adminConnection();
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = urlOf(name);
  const handle = await createDatabase({
    kind: "postgres",
    url,
    pool: { max: 1, idleTimeoutSeconds: 0, maxLifetimeSeconds: 0, connectTimeoutSeconds: 5 },
  });
  try {
    await migrate(handle.db);
  } finally {
    await handle.close();
  }
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  const database: BenchDatabase = {
    name,
    url,
    sql,
    async drop() {
      created.delete(database);
      await sql.end({ timeout: 2 }).catch(() => {});
      const dropper = adminConnection();
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end({ timeout: 1 });
      }
    },
  };
  created.add(database);
  return database;
}

/** Drops every database this run created and still holds. */
export async function dropBenchDatabases(): Promise<void> {
  for (const database of [...created]) {
    await database.drop().catch((error: unknown) => {
      console.error(`could not drop ${database.name}: ${(error as Error).message}`);
    });
  }
}

/** Every PostgreSQL server process (postmaster, backends, background workers), for CPU accounting. */
export function postgresPids(): number[] {
  return pidsNamed("postgres");
}

/** Is the local cluster running? (`pg_lsclusters` reports it.) */
export function postgresClusterOnline(): boolean {
  try {
    const listing = execFileSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" });
    return /\b15\s+main\s+\d+\s+online\b/.test(listing);
  } catch {
    return false;
  }
}

/** Runs pg_ctlcluster for the local 15/main cluster (start, stop, restart). */
export function controlPostgresCluster(action: "start" | "stop" | "restart"): void {
  const mode = action === "start" ? [] : ["--mode", "fast"];
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", ...mode, "15", "main", action], {
    stdio: "ignore",
  });
}

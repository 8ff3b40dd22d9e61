import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { type MigrationMeta, readMigrationFiles } from "drizzle-orm/migrator";
import { type Database, rowsOf } from "./client.js";

/**
 * The `migrations/` folder drizzle-kit generates from schema.ts: the nearest one at or above this
 * module. From source that is the repository's; from a built app it is the copy the build puts next to
 * the bundle (`dist/migrations`), so a dist/ folder runs anywhere.
 */
export const defaultMigrationsFolder = nearestMigrationsFolder(dirname(fileURLToPath(import.meta.url)));

function nearestMigrationsFolder(start: string): string {
  for (let directory = start; ; directory = dirname(directory)) {
    const candidate = join(directory, "migrations");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    if (dirname(directory) === directory) {
      throw new Error(`No migrations/ folder (with meta/_journal.json) at or above ${start}`);
    }
  }
}

/** Any fixed 64-bit number, shared by every process that migrates this database. */
const MIGRATION_LOCK_ID = 7_240_318_551_206_101n;

export interface MigrateOptions {
  readonly migrationsFolder?: string;
}

export interface MigrateResult {
  /** Migrations applied by this call (0 when the database was already up to date). */
  readonly applied: number;
}

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock, so replicas
 * starting together apply each migration once and the others wait, then find nothing to do. Uses
 * drizzle-kit's bookkeeping table (`drizzle.__drizzle_migrations`), so `drizzle-kit migrate` agrees.
 * Works the same on PostgreSQL and PGlite.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = readMigrationFiles({
    migrationsFolder: options.migrationsFolder ?? defaultMigrationsFolder,
  });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    const lastApplied = await lastAppliedMillis(tx);
    const pending = migrations.filter((migration) => migration.folderMillis > lastApplied);
    for (const migration of pending) {
      for (const statement of migration.sql) {
        if (statement.trim() !== "") await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
    }
    return { applied: pending.length };
  });
}

/** The number of migrations in the folder that the database has not applied yet. */
export async function pendingMigrationCount(db: Database, options: MigrateOptions = {}): Promise<number> {
  const migrations: MigrationMeta[] = readMigrationFiles({
    migrationsFolder: options.migrationsFolder ?? defaultMigrationsFolder,
  });
  const exists = rowsOf<{ present: boolean }>(
    await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`),
  );
  if (!exists[0]?.present) return migrations.length;
  const lastApplied = await lastAppliedMillis(db);
  return migrations.filter((migration) => migration.folderMillis > lastApplied).length;
}

async function lastAppliedMillis(db: Database): Promise<number> {
  const rows = rowsOf<{ created_at: string | number | null }>(
    await db.execute(sql`select max(created_at) as created_at from drizzle.__drizzle_migrations`),
  );
  return Number(rows[0]?.created_at ?? 0);
}

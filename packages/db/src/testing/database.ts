import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { DatabaseConfig } from "@unwrapped/config";
import postgres from "postgres";
import { inject } from "vitest";
import { createDatabase, type DatabaseHandle } from "../client.js";

/** What the global setup prepared for this run: a migrated PGlite image or a migrated PostgreSQL template. */
export type TestDatabaseSource =
  | { readonly kind: "pglite"; readonly dumpPath: string }
  | {
      readonly kind: "postgres";
      readonly adminUrl: string;
      readonly template: string;
      readonly prefix: string;
    };

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: TestDatabaseSource;
  }
}

export const testPool = {
  max: 8,
  idleTimeoutSeconds: 5,
  maxLifetimeSeconds: 0,
  connectTimeoutSeconds: 10,
} as const;

export function databaseUrlWithName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

let dump: Promise<Blob> | undefined;

/**
 * A new, migrated database of its own, with committed rows visible to every connection: a fresh PGlite
 * instance from the run's image (about 0.5 s), or a PostgreSQL database copied from the run's template.
 * For tests that need several connections, LISTEN/NOTIFY or committed data. Close it with `close()`,
 * which on PostgreSQL also drops the database. `empty: true` gives one with no migrations applied.
 */
export async function createIsolatedDatabase(
  options: { readonly empty?: boolean } = {},
): Promise<DatabaseHandle & { readonly config: DatabaseConfig }> {
  const source = inject("testDatabase");
  if (source.kind === "pglite") {
    const config: DatabaseConfig = { kind: "pglite", url: "memory://", pool: testPool };
    if (options.empty) return { ...(await createDatabase(config)), config };
    dump ??= readFile(source.dumpPath).then((bytes) => new Blob([bytes]));
    const handle = await createDatabase(config, { loadDataDir: await dump });
    return { ...handle, config };
  }
  const name = `${source.prefix}_${randomBytes(5).toString("hex")}`;
  const admin = postgres(source.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"${options.empty ? "" : ` template "${source.template}"`}`);
  } finally {
    await admin.end();
  }
  const config: DatabaseConfig = {
    kind: "postgres",
    url: databaseUrlWithName(source.adminUrl, name),
    pool: testPool,
  };
  const handle = await createDatabase(config, { applicationName: "unwrapped-test" });
  return {
    ...handle,
    config,
    async close() {
      await handle.close();
      const dropper = postgres(source.adminUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

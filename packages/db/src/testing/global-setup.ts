import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { testDatabaseUrl } from "@unwrapped/config";
import { drizzle } from "drizzle-orm/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { createDatabase, type Database } from "../client.js";
import { migrate } from "../migrate.js";
import * as schema from "../schema.js";
import { databaseUrlWithName, testPool } from "./database.js";

/**
 * Runs once per `vitest run`: migrates one database image that every test file starts from, so no test
 * file pays for migrations. PGlite: a dumped data directory. PostgreSQL: a template database.
 */
export default async function setup(project: TestProject) {
  const adminUrl = testDatabaseUrl();
  if (!adminUrl) {
    const pglite = await PGlite.create();
    await migrate(drizzle(pglite, { schema, casing: "snake_case" }) as unknown as Database);
    const image = await pglite.dumpDataDir("none");
    await pglite.close();
    const directory = await mkdtemp(join(tmpdir(), "unwrapped-test-"));
    const dumpPath = join(directory, "pglite.tar");
    await writeFile(dumpPath, Buffer.from(await image.arrayBuffer()));
    project.provide("testDatabase", { kind: "pglite", dumpPath });
    return async () => {
      await rm(directory, { recursive: true, force: true });
    };
  }

  const prefix = `unwrapped_test_${process.pid}`;
  const template = `${prefix}_template`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await dropStaleDatabases(admin);
  await admin.unsafe(`create database "${template}"`);
  const handle = await createDatabase({
    kind: "postgres",
    url: databaseUrlWithName(adminUrl, template),
    pool: testPool,
  });
  try {
    await migrate(handle.db);
  } finally {
    await handle.close();
  }
  project.provide("testDatabase", { kind: "postgres", adminUrl, template, prefix });
  return async () => {
    const leftovers = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`${prefix}%`}`;
    for (const { datname } of leftovers)
      await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  };
}

/** Databases left by runs that were killed before their teardown (their process no longer exists). */
async function dropStaleDatabases(admin: postgres.Sql) {
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database where datname like 'unwrapped_test_%'`;
  for (const { datname } of rows) {
    const pid = Number(/^unwrapped_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isFinite(pid) && !processExists(pid)) {
      await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

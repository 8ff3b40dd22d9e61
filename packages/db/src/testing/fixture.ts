import { TransactionRollbackError } from "drizzle-orm";
import { afterAll, test as base } from "vitest";
import type { Database, DatabaseHandle } from "../client.js";
import { createIsolatedDatabase } from "./database.js";

let shared: Promise<DatabaseHandle> | undefined;

/** This test file's database, created once and migrated already (from the run's image or template). */
export function testDatabase(): Promise<DatabaseHandle> {
  if (!shared) {
    shared = createIsolatedDatabase();
    afterAll(async () => {
      const handle = await shared;
      shared = undefined;
      await handle?.close();
    });
  }
  return shared;
}

/**
 * `dbTest` runs each test inside a transaction that is rolled back at the end, so no test sees
 * another's rows. Code under test that opens its own transaction gets a savepoint, on both drivers.
 */
export const dbTest = base.extend<{ db: Database }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixture's dependencies from this pattern.
  db: async ({}, use) => {
    const handle = await testDatabase();
    try {
      await handle.db.transaction(async (tx) => {
        await use(tx as unknown as Database);
        tx.rollback();
      });
    } catch (error) {
      if (!(error instanceof TransactionRollbackError)) throw error;
    }
  },
});

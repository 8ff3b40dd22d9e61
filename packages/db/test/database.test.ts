import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  analyses,
  createDatabase,
  type Database,
  type DatabaseHandle,
  migrate,
  pendingMigrationCount,
  rowsOf,
  users,
} from "../src/index.js";
import { createIsolatedDatabase, dbTest } from "../src/testing/index.js";

async function insertUser(db: Database, suffix = Math.random().toString(36).slice(2)) {
  const [user] = await db
    .insert(users)
    .values({ spotifyAccountId: `account-${suffix}`, spotifyId: `spotify-${suffix}`, displayName: "Test" })
    .returning();
  return user!;
}

describe("migrate", () => {
  let empty: DatabaseHandle;
  beforeAll(async () => {
    empty = await createIsolatedDatabase({ empty: true });
  });
  afterAll(async () => {
    await empty.close();
  });

  it("applies every migration to an empty database, and a second run changes nothing", async () => {
    expect(await pendingMigrationCount(empty.db)).toBeGreaterThan(0);
    const first = await migrate(empty.db);
    expect(first.applied).toBeGreaterThan(0);
    expect(await pendingMigrationCount(empty.db)).toBe(0);

    const tablesBefore = rowsOf<{ n: number }>(
      await empty.db.execute(
        sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
      ),
    );
    const second = await migrate(empty.db);
    expect(second.applied).toBe(0);
    const recorded = rowsOf<{ n: number }>(
      await empty.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
    );
    expect(recorded[0]?.n).toBe(first.applied);
    const tablesAfter = rowsOf<{ n: number }>(
      await empty.db.execute(
        sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
      ),
    );
    expect(tablesAfter).toEqual(tablesBefore);
  });
});

describe("rolled-back test isolation", () => {
  const marker = `isolation-${randomUUID()}`;

  dbTest("writes a row inside its own transaction", async ({ db }) => {
    await insertUser(db, marker);
    const found = await db
      .select()
      .from(users)
      .where(eq(users.spotifyAccountId, `account-${marker}`));
    expect(found).toHaveLength(1);
  });

  dbTest("does not see the row the previous test wrote", async ({ db }) => {
    const found = await db
      .select()
      .from(users)
      .where(eq(users.spotifyAccountId, `account-${marker}`));
    expect(found).toHaveLength(0);
  });

  dbTest("turns the code's own transactions into savepoints", async ({ db }) => {
    const user = await insertUser(db);
    await expect(
      db.transaction(async (tx) => {
        await tx.update(users).set({ displayName: "changed" }).where(eq(users.id, user.id));
        throw new Error("abort the inner transaction");
      }),
    ).rejects.toThrow("abort the inner transaction");
    const [after] = await db.select().from(users).where(eq(users.id, user.id));
    expect(after?.displayName).toBe("Test");
  });
});

describe("schema", () => {
  dbTest(
    "allows one pending-or-processing analysis per user, but any number of finished ones",
    async ({ db }) => {
      const user = await insertUser(db);
      await db.insert(analyses).values({ userId: user.id, maxAttempts: 3, status: "completed" });
      await db.insert(analyses).values({ userId: user.id, maxAttempts: 3, status: "failed" });
      await db.insert(analyses).values({ userId: user.id, maxAttempts: 3, status: "pending" });

      const violation = await db
        .transaction(async (tx) => {
          await tx.insert(analyses).values({ userId: user.id, maxAttempts: 3, status: "processing" });
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(violation).not.toBeNull();
      expect(
        JSON.stringify(violation, Object.getOwnPropertyNames(violation)) + String((violation as Error).cause),
      ).toMatch(/analyses_one_active_per_user_idx|23505|duplicate key/);

      await db.insert(analyses).values({ userId: user.id, maxAttempts: 3, status: "completed" });
      const rows = await db.select().from(analyses).where(eq(analyses.userId, user.id));
      expect(rows.map((row) => row.status).sort()).toEqual(["completed", "completed", "failed", "pending"]);
    },
  );

  dbTest("round-trips timestamps as instants whatever the session time zone", async ({ db }) => {
    await db.execute(sql`set local time zone 'America/Los_Angeles'`);
    const instant = new Date("2026-03-08T09:59:59.123Z"); // across the US daylight-saving change
    const user = await insertUser(db);
    await db.update(users).set({ createdAt: instant }).where(eq(users.id, user.id));
    const [row] = await db.select({ createdAt: users.createdAt }).from(users).where(eq(users.id, user.id));
    expect(row?.createdAt.toISOString()).toBe(instant.toISOString());

    const types = rowsOf<{ data_type: string }>(
      await db.execute(
        sql`select distinct data_type from information_schema.columns where table_schema = 'public' and (column_name like '%_at' or column_name = 'run_after' or column_name = 'locked_until')`,
      ),
    );
    expect(types.map((type) => type.data_type)).toEqual(["timestamp with time zone"]);
  });
});

describe("LISTEN/NOTIFY", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createIsolatedDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  it("delivers notifications to listeners and stops after unlisten", async () => {
    const received: string[] = [];
    let resolve: () => void = () => {};
    const arrived = new Promise<void>((done) => {
      resolve = done;
    });
    const unlisten = await handle.listen("unwrapped_test_channel", (payload) => {
      received.push(payload);
      if (received.length === 2) resolve();
    });
    await handle.notify("unwrapped_test_channel", "first");
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_notify('unwrapped_test_channel', 'second')`);
    });
    await arrived;
    expect(received).toEqual(["first", "second"]);
    await unlisten();
    // A listener on a second channel sees a marker sent after "third": notifications reach a session in
    // the order they were committed, so "third" would have arrived before the marker.
    let markerArrived: () => void = () => {};
    const marker = new Promise<void>((done) => {
      markerArrived = done;
    });
    const unlistenMarker = await handle.listen("unwrapped_test_marker", () => markerArrived());
    await handle.notify("unwrapped_test_channel", "third");
    await handle.notify("unwrapped_test_marker", "after third");
    await marker;
    await unlistenMarker();
    expect(received).toEqual(["first", "second"]);
  });
});

describe("createDatabase with an embedded file database", () => {
  it("creates its data directory, however deep, and keeps data across reopenings", async () => {
    const directory = join(mkdtempSync(join(tmpdir(), "unwrapped-pglite-")), "not", "yet", "there");
    const config = {
      kind: "pglite" as const,
      url: directory,
      pool: { max: 1, idleTimeoutSeconds: 1, maxLifetimeSeconds: 0, connectTimeoutSeconds: 1 },
    };
    const first = await createDatabase(config);
    await migrate(first.db);
    await insertUser(first.db, "persisted");
    await first.close();
    const second = await createDatabase(config);
    try {
      expect(await pendingMigrationCount(second.db)).toBe(0);
      const found = await second.db
        .select()
        .from(users)
        .where(eq(users.spotifyAccountId, "account-persisted"));
      expect(found).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

import { randomUUID } from "node:crypto";
import {
  analyses,
  type Database,
  type DatabaseHandle,
  loginCodes,
  oauthStates,
  sessions,
} from "@unwrapped/db";
import { createIsolatedDatabase, dbTest } from "@unwrapped/db/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { RetentionSweeper } from "../../src/retention/retention-sweeper.js";
import { silentLogger } from "../../src/testing/index.js";
import { createUser } from "../support/users.js";

const DAY_MS = 86_400_000;

function sweeperOn(db: Database, clock: ManualClock, analysisRetentionDays: number | null, batchSize = 2) {
  return new RetentionSweeper({ db, clock, logger: silentLogger, analysisRetentionDays, batchSize });
}

function daysAgo(clock: ManualClock, days: number): Date {
  return new Date(clock.now().getTime() - days * DAY_MS);
}

async function analysis(
  db: Database,
  clock: ManualClock,
  userId: string,
  status: "pending" | "completed" | "failed",
  ageDays: number,
): Promise<string> {
  const createdAt = daysAgo(clock, ageDays);
  const [row] = await db
    .insert(analyses)
    .values({ userId, status, maxAttempts: 3, createdAt, runAfter: createdAt, updatedAt: createdAt })
    .returning({ id: analyses.id });
  if (!row) throw new Error("no analysis inserted");
  return row.id;
}

async function session(db: Database, userId: string, expiresAt: Date): Promise<void> {
  await db.insert(sessions).values({ familyId: randomUUID(), userId, tokenHash: randomUUID(), expiresAt });
}

describe("RetentionSweeper", () => {
  dbTest(
    "deletes used or expired states and codes and expired sessions, keeping live ones",
    async ({ db }) => {
      const clock = new ManualClock();
      const user = await createUser(db);
      const later = new Date(clock.now().getTime() + 60_000);
      const earlier = new Date(clock.now().getTime() - 1);
      await db.insert(oauthStates).values([
        { state: "expired", codeVerifier: "v", redirectTo: "/", expiresAt: earlier },
        { state: "used", codeVerifier: "v", redirectTo: "/", expiresAt: later, consumedAt: earlier },
        { state: "live", codeVerifier: "v", redirectTo: "/", expiresAt: later },
      ]);
      await db.insert(loginCodes).values([
        { codeHash: "expired", userId: user.id, expiresAt: earlier },
        { codeHash: "used", userId: user.id, expiresAt: later, consumedAt: earlier },
        { codeHash: "live", userId: user.id, expiresAt: later },
      ]);
      for (let index = 0; index < 5; index++) await session(db, user.id, earlier);
      await session(db, user.id, later);

      const counts = await sweeperOn(db, clock, null).sweep();
      expect(counts).toEqual({ oauthStates: 2, loginCodes: 2, sessions: 5, analyses: 0 });
      expect((await db.select().from(oauthStates)).map((row) => row.state)).toEqual(["live"]);
      expect((await db.select().from(loginCodes)).map((row) => row.codeHash)).toEqual(["live"]);
      expect(await db.select().from(sessions)).toHaveLength(1);
      expect(await sweeperOn(db, clock, null).sweep()).toEqual({
        oauthStates: 0,
        loginCodes: 0,
        sessions: 0,
        analyses: 0,
      });
    },
  );

  dbTest(
    "deletes analyses past the retention except each user's latest analysis and latest verdict",
    async ({ db }) => {
      const clock = new ManualClock();
      const [a, b, c, d] = await Promise.all([
        createUser(db),
        createUser(db),
        createUser(db),
        createUser(db),
      ]);
      if (!a || !b || !c || !d) throw new Error("users missing");
      const doomed = [
        await analysis(db, clock, a.id, "completed", 100),
        await analysis(db, clock, b.id, "failed", 100),
        await analysis(db, clock, d.id, "completed", 100),
      ];
      const kept = [
        await analysis(db, clock, a.id, "completed", 90), // a's latest verdict
        await analysis(db, clock, a.id, "failed", 80), // a's latest analysis
        await analysis(db, clock, b.id, "completed", 5), // recent
        await analysis(db, clock, c.id, "completed", 100), // c's only one
        await analysis(db, clock, d.id, "completed", 50), // d's latest verdict
        await analysis(db, clock, d.id, "pending", 0), // active
      ];
      // Without a retention, analyses are kept.
      expect((await sweeperOn(db, clock, null).sweep()).analyses).toBe(0);

      const counts = await sweeperOn(db, clock, 30).sweep();
      expect(counts.analyses).toBe(doomed.length);
      const left = (await db.select({ id: analyses.id }).from(analyses)).map((row) => row.id);
      expect(left.sort()).toEqual([...kept].sort());
    },
  );
});

describe("concurrent sweeps", () => {
  const handles: DatabaseHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((handle) => handle.close()));
  });

  it("three sweepers at once delete exactly the rows due, each row once", async () => {
    const first = await createIsolatedDatabase();
    handles.push(first);
    const pools: DatabaseHandle[] = [first];
    if (first.kind === "postgres") {
      const { createDatabase } = await import("@unwrapped/db");
      for (let index = 0; index < 2; index++) {
        const other = await createDatabase(
          (first as unknown as { config: Parameters<typeof createDatabase>[0] }).config,
        );
        handles.push(other);
        pools.push(other);
      }
    }
    const clock = new ManualClock();
    const users: { id: string }[] = [];
    for (let index = 0; index < 40; index++) users.push(await createUser(first.db));
    const earlier = new Date(clock.now().getTime() - 1);
    const later = new Date(clock.now().getTime() + DAY_MS);
    await first.db.insert(sessions).values(
      Array.from({ length: 600 }, (_, index) => ({
        familyId: randomUUID(),
        userId: users[index % users.length]?.id ?? "",
        tokenHash: randomUUID(),
        expiresAt: index % 6 === 0 ? later : earlier,
      })),
    );
    // Each user: 5 old verdicts; the newest of them stays.
    for (const user of users) {
      for (let age = 100; age > 95; age--) await analysis(first.db, clock, user.id, "completed", age);
    }

    const sweeps = await Promise.all(
      [0, 1, 2].map((index) => sweeperOn((pools[index] ?? first).db, clock, 30, 25).sweep()),
    );
    expect(sweeps.reduce((sum, counts) => sum + counts.sessions, 0)).toBe(500);
    expect(sweeps.reduce((sum, counts) => sum + counts.analyses, 0)).toBe(4 * users.length);
    expect(await first.db.select().from(sessions)).toHaveLength(100);
    const left = await first.db
      .select({ userId: analyses.userId, createdAt: analyses.createdAt })
      .from(analyses);
    expect(left).toHaveLength(users.length);
    expect(new Set(left.map((row) => row.userId)).size).toBe(users.length);
    expect(left.every((row) => row.createdAt.getTime() === daysAgo(clock, 96).getTime())).toBe(true);
  });
});

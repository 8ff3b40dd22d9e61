import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyses, createDatabase, type DatabaseHandle, migrate, users } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import { CANCELLED_CODE, type ClaimedTask, createServices, ManualClock } from "@unwrapped/services";
import { silentLogger, testConfig } from "@unwrapped/services/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSince } from "../../src/admin/admin-commands.js";
import { runCli } from "../../src/run.js";

/**
 * `unwrapped admin` on the test's database driver: PostgreSQL through DATABASE_URL, or PGlite through
 * a data directory (PGlite belongs to one process, so the test closes its handle while the CLI runs).
 */
const postgres = Boolean(process.env.TEST_DATABASE_URL);

describe(`unwrapped admin (${postgres ? "PostgreSQL" : "PGlite"})`, () => {
  let databaseUrl: string;
  let shared: DatabaseHandle | undefined;

  beforeAll(async () => {
    if (postgres) {
      const isolated = await createIsolatedDatabase();
      shared = isolated;
      databaseUrl = isolated.config.url;
    } else {
      databaseUrl = join(mkdtempSync(join(tmpdir(), "unwrapped-admin-")), "pglite");
      const handle = await createDatabase({
        kind: "pglite",
        url: databaseUrl,
        pool: { max: 1, idleTimeoutSeconds: 1, maxLifetimeSeconds: 60, connectTimeoutSeconds: 5 },
      });
      await migrate(handle.db);
      await handle.close();
    }
  }, 120_000);
  afterAll(async () => {
    await shared?.close();
  });

  /** Runs `fn` on the database: the shared PostgreSQL handle, or the PGlite directory opened for it. */
  async function onDatabase<Result>(fn: (handle: DatabaseHandle) => Promise<Result>): Promise<Result> {
    if (shared) return fn(shared);
    const handle = await createDatabase({
      kind: "pglite",
      url: databaseUrl,
      pool: { max: 1, idleTimeoutSeconds: 1, maxLifetimeSeconds: 60, connectTimeoutSeconds: 5 },
    });
    try {
      return await fn(handle);
    } finally {
      await handle.close();
    }
  }

  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["admin", ...argv], {
      io: {
        stdout: { isTTY: false, write: (text: string) => void out.push(text) },
        stderr: { isTTY: false, write: (text: string) => void err.push(text) },
      },
      env: {
        configDirectory: tmpdir(),
        server: undefined,
        noColor: true,
        databaseUrl,
        workerLeaseSeconds: 60,
      },
    });
    return { code, stdout: out.join(""), stderr: err.join("") };
  }

  async function servicesOn(handle: DatabaseHandle) {
    return createServices({
      config: testConfig(),
      database: handle,
      logger: silentLogger,
      clock: new ManualClock(new Date()),
    });
  }

  async function statusOf(id: string) {
    return onDatabase(async (handle) => {
      const [row] = await handle.db.select().from(analyses).where(eq(analyses.id, id));
      return row;
    });
  }

  let failedOld: string;
  let failedBlocked: string;
  let running: ClaimedTask;
  let pendingId: string;

  it("queue: counts by status, the oldest pending analysis and the live workers", async () => {
    ({ failedOld, failedBlocked, running, pendingId } = await onDatabase(async (handle) => {
      const services = await servicesOn(handle);
      const ids = [];
      for (const name of ["ann", "bo", "cy", "di"]) {
        const [user] = await handle.db
          .insert(users)
          .values({ spotifyAccountId: `${name}-${Math.random()}`, spotifyId: name, displayName: name })
          .returning();
        if (!user) throw new Error("no user");
        ids.push(user.id);
      }
      const [ann, bo, cy, di] = ids as [string, string, string, string];
      // ann and bo have a failed analysis; bo also a pending one; cy one running (claimed); di one pending.
      const fail = async (userId: string, code: string) => {
        await services.queue.enqueue(userId);
        const [task] = (await services.queue.claim("worker-x", 10)).filter(
          (claimed) => claimed.userId === userId,
        );
        if (!task) throw new Error("not claimed");
        await services.queue.fail(task, { code, message: `${code} happened.` });
        return task.id;
      };
      const oldFailure = await fail(ann, "SPOTIFY_ERROR");
      const blocked = await fail(bo, "SPOTIFY_UNAVAILABLE");
      await services.queue.enqueue(cy);
      const claimed = (await services.queue.claim("worker-x", 10)).find((task) => task.userId === cy);
      if (!claimed) throw new Error("cy not claimed");
      await services.queue.enqueue(bo);
      const pending = await services.queue.enqueue(di);
      await services.workers.announce({ id: "worker-x", concurrency: 4 });
      await services.spotifyBudget.close();
      await services.statusHub.close();
      return {
        failedOld: oldFailure,
        failedBlocked: blocked,
        running: claimed,
        pendingId: pending?.id ?? "",
      };
    }));
    const { code, stdout } = await cli("queue");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pending +2 +oldest \d+ s ago \(/m);
    expect(stdout).toMatch(/^processing +1$/m);
    expect(stdout).toMatch(/^failed +2$/m);
    expect(stdout).toContain("1 live worker");
    expect(stdout).toContain("worker-x");
  });

  it("failed: lists failed analyses with their error codes, and --since narrows them", async () => {
    const all = await cli("failed");
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(failedOld);
    expect(all.stdout).toContain("SPOTIFY_ERROR");
    expect(all.stdout).toContain("SPOTIFY_UNAVAILABLE");
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await cli("failed", "--since", future)).stdout).toBe("No failed analyses in that time.\n");
  });

  it("retry: a failed analysis goes back to pending; not while its listener has another active", async () => {
    const retried = await cli("retry", failedOld);
    expect(retried).toMatchObject({ code: 0, stdout: `${failedOld} is back in the queue.\n` });
    expect(await statusOf(failedOld)).toMatchObject({ status: "pending", attempts: 0, errorCode: null });
    expect(retried.stderr).toContain('"action":"retry"');

    const blocked = await cli("retry", failedBlocked);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("already has an analysis pending or running");
    const again = await cli("retry", failedOld);
    expect(again.stderr).toContain("only a failed analysis can be retried");
  });

  it("cancel: a running analysis fails as CANCELLED and its worker's next guarded write changes nothing", async () => {
    const cancelled = await cli("cancel", running.id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain("drops it at its next step");
    expect(cancelled.stderr).toContain('"action":"cancel"');
    await onDatabase(async (handle) => {
      const services = await servicesOn(handle);
      expect(await services.queue.advance(running, "profiling", 0.6)).toBe(false);
      await services.spotifyBudget.close();
      await services.statusHub.close();
    });
    expect(await statusOf(running.id)).toMatchObject({
      status: "failed",
      errorCode: CANCELLED_CODE,
      leaseToken: null,
    });
    expect((await cli("cancel", pendingId)).stdout).toBe(`${pendingId} cancelled.\n`);
    const finished = await cli("cancel", running.id);
    expect(finished).toMatchObject({ code: 1 });
    expect(finished.stderr).toContain("has already failed");
  });

  it("retry --all-failed: each listener's latest failed analysis, where none is active", async () => {
    const { code, stdout } = await cli("retry", "--all-failed");
    expect(code).toBe(0);
    // cy's and di's cancelled analyses; bo still has a pending one.
    expect(stdout).toBe("2 failed analyses back in the queue.\n");
    expect(await statusOf(running.id)).toMatchObject({ status: "pending" });
    expect(await statusOf(failedBlocked)).toMatchObject({ status: "failed" });
  });

  it("answers bad usage with exit code 2 and an unknown id with a clear line", async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli("frobnicate")).stderr).toContain('Unknown admin command "frobnicate"');
    expect((await cli("retry")).code).toBe(2);
    expect((await cli("queue", "--since", "1h")).code).toBe(2);
    expect((await cli("failed", "--since", "soon")).stderr).toContain("--since takes a duration");
    const unknown = await cli("cancel", "not-an-id");
    expect(unknown).toMatchObject({ code: 1, stderr: "No analysis with this id was found.\n" });
  });
});

describe("parseSince", () => {
  it("reads durations back from now and ISO dates", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    expect(parseSince("30m", now)).toEqual(new Date("2026-12-01T11:30:00Z"));
    expect(parseSince("2h", now)).toEqual(new Date("2026-12-01T10:00:00Z"));
    expect(parseSince("7d", now)).toEqual(new Date("2026-11-24T12:00:00Z"));
    expect(parseSince("2026-11-30T00:00:00Z", now)).toEqual(new Date("2026-11-30T00:00:00Z"));
  });
});

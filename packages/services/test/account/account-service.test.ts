import { analyses, type Database, loginCodes, sessions, spotifyCredentials, users } from "@unwrapped/db";
import { dbTest } from "@unwrapped/db/testing";
import { eq, sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { AccountService } from "../../src/account/account-service.js";
import { ManualClock } from "../../src/clock.js";
import { NotFoundError } from "../../src/errors.js";
import { ShareService } from "../../src/share/share-service.js";
import { storedResult } from "../support/stored-result.js";
import { createUser } from "../support/users.js";

const clock = new ManualClock("2026-11-27T12:00:00Z");

/** A user with everything we can hold about them: tokens, a session, a login code, a shared verdict. */
async function listenerWithEverything(db: Database, shareToken: string) {
  const user = await createUser(db);
  const now = clock.now();
  const later = new Date(now.getTime() + 3_600_000);
  await db.insert(spotifyCredentials).values({
    userId: user.id,
    accessTokenCiphertext: "ciphertext",
    refreshTokenCiphertext: "ciphertext",
    accessTokenExpiresAt: later,
    scope: "user-top-read",
  });
  await db.insert(sessions).values({
    familyId: crypto.randomUUID(),
    userId: user.id,
    tokenHash: `hash-${shareToken}`,
    expiresAt: later,
  });
  await db.insert(loginCodes).values({ codeHash: `code-${shareToken}`, userId: user.id, expiresAt: later });
  const result = storedResult({ shareToken });
  await db.insert(analyses).values({
    userId: user.id,
    status: "completed",
    stage: "done",
    progress: 1,
    maxAttempts: 3,
    judge: result.judge,
    profile: result.profile,
    label: result.label,
    description: result.description,
    criticalAcclaim: result.criticalAcclaim,
    mainstream: result.mainstream,
    shareToken,
    completedAt: now,
  });
  return user;
}

async function countsOf(db: Database, userId: string) {
  const count = async (rows: Promise<unknown[]>) => (await rows).length;
  return {
    users: await count(db.select().from(users).where(eq(users.id, userId))),
    credentials: await count(
      db.select().from(spotifyCredentials).where(eq(spotifyCredentials.userId, userId)),
    ),
    sessions: await count(db.select().from(sessions).where(eq(sessions.userId, userId))),
    loginCodes: await count(db.select().from(loginCodes).where(eq(loginCodes.userId, userId))),
    analyses: await count(db.select().from(analyses).where(eq(analyses.userId, userId))),
  };
}

describe("AccountService", () => {
  dbTest(
    "delete removes everything of the user, their share link 404s, and others keep theirs",
    async ({ db }) => {
      const leaving = await listenerWithEverything(db, "share-token-leaving-0123456789");
      const staying = await listenerWithEverything(db, "share-token-staying-0123456789");
      const shares = new ShareService({ db, clock, publicUrl: "https://unwrapped.example" });
      await new AccountService({ db }).delete(leaving.id);

      expect(await countsOf(db, leaving.id)).toEqual({
        users: 0,
        credentials: 0,
        sessions: 0,
        loginCodes: 0,
        analyses: 0,
      });
      await expect(shares.get("share-token-leaving-0123456789")).rejects.toBeInstanceOf(NotFoundError);
      expect(await countsOf(db, staying.id)).toEqual({
        users: 1,
        credentials: 1,
        sessions: 1,
        loginCodes: 1,
        analyses: 1,
      });
      expect((await shares.get("share-token-staying-0123456789")).label).toBe("TEST LABEL");
    },
  );

  dbTest("deleting twice is harmless", async ({ db }) => {
    const user = await listenerWithEverything(db, "share-token-twice-0123456789ab");
    const accounts = new AccountService({ db });
    await accounts.delete(user.id);
    await expect(accounts.delete(user.id)).resolves.toBeUndefined();
  });

  dbTest(
    "disconnectSpotify forgets the Spotify tokens only: verdicts and share links stay",
    async ({ db }) => {
      const user = await listenerWithEverything(db, "share-token-disconnect-012345");
      await new AccountService({ db }).disconnectSpotify(user.id);
      expect(await countsOf(db, user.id)).toEqual({
        users: 1,
        credentials: 0,
        sessions: 1,
        loginCodes: 1,
        analyses: 1,
      });
      const shares = new ShareService({ db, clock, publicUrl: "https://unwrapped.example" });
      expect((await shares.get("share-token-disconnect-012345")).label).toBe("TEST LABEL");
    },
  );

  dbTest("delete is one transaction: when its last statement fails, nothing is deleted", async ({ db }) => {
    const user = await listenerWithEverything(db, "share-token-atomic-0123456789a");
    await db.execute(sql`
      create function refuse_user_delete() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test'; end $$`);
    await db.execute(
      sql`create trigger refuse_user_delete before delete on users for each row execute function refuse_user_delete()`,
    );
    await expect(new AccountService({ db }).delete(user.id)).rejects.toThrow();
    expect(await countsOf(db, user.id)).toEqual({
      users: 1,
      credentials: 1,
      sessions: 1,
      loginCodes: 1,
      analyses: 1,
    });
  });
});

import { type Database, loginCodes, sessions } from "@unwrapped/db";
import { dbTest } from "@unwrapped/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AccessTokens } from "../../src/auth/access-tokens.js";
import { SessionService, SessionTokens } from "../../src/auth/sessions.js";
import { ManualClock } from "../../src/clock.js";
import { hashToken } from "../../src/crypto/random-token.js";
import { UnauthenticatedError } from "../../src/errors.js";
import { createUser } from "../support/users.js";
import { recordedWireShape, wireShapeOf } from "../support/wire-shapes.js";

function setup(db: Database) {
  const clock = new ManualClock("2026-11-27T12:00:00Z");
  const accessTokens = new AccessTokens(
    { secret: "s".repeat(40), issuer: "http://test", audience: "unwrapped-api", ttlSeconds: 900 },
    clock,
  );
  const service = new SessionService({ db, accessTokens, clock, refreshTokenTtlSeconds: 30 * 86_400 });
  return { clock, accessTokens, service };
}

async function refused(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnauthenticatedError);
  return error as UnauthenticatedError;
}

describe("SessionService", () => {
  it("hands out tokens in the wire shape of auth.exchange and auth.refresh", () => {
    expect(wireShapeOf(SessionTokens)).toEqual(recordedWireShape("SessionTokens"));
  });

  dbTest("trades a login code once for a session whose access token names the user", async ({ db }) => {
    const { service, accessTokens } = setup(db);
    const user = await createUser(db);
    const code = await service.createLoginCode(user.id);
    const tokens = await service.exchangeLoginCode(code);
    expect(tokens.user.id).toBe(user.id);
    expect(SessionTokens.parse(tokens)).toEqual(tokens);
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    const claims = await accessTokens.verify(tokens.accessToken);
    expect(claims.userId).toBe(user.id);

    expect((await refused(service.exchangeLoginCode(code))).reason).toBe("code_invalid");
  });

  dbTest("stores login codes and refresh tokens only as hashes", async ({ db }) => {
    const { service } = setup(db);
    const user = await createUser(db);
    const code = await service.createLoginCode(user.id);
    const [storedCode] = await db.select().from(loginCodes).where(eq(loginCodes.userId, user.id));
    expect(storedCode?.codeHash).toBe(hashToken(code));
    const tokens = await service.exchangeLoginCode(code);
    const rows = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(JSON.stringify(rows)).not.toContain(tokens.refreshToken);
    expect(rows[0]?.tokenHash).toBe(hashToken(tokens.refreshToken));
  });

  dbTest("refuses a login code after its 60 seconds", async ({ db }) => {
    const { service, clock } = setup(db);
    const user = await createUser(db);
    const code = await service.createLoginCode(user.id);
    clock.advance(60_001);
    await refused(service.exchangeLoginCode(code));
  });

  dbTest("rotates refresh tokens: the old one stops working", async ({ db }) => {
    const { service } = setup(db);
    const user = await createUser(db);
    const first = await service.exchangeLoginCode(await service.createLoginCode(user.id));
    const second = await service.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const third = await service.refresh(second.refreshToken);
    expect(third.user.id).toBe(user.id);
  });

  dbTest("revokes the whole family when a rotated token is presented again", async ({ db }) => {
    const { service } = setup(db);
    const user = await createUser(db);
    const first = await service.exchangeLoginCode(await service.createLoginCode(user.id));
    const second = await service.refresh(first.refreshToken);

    const reuse = await refused(service.refresh(first.refreshToken));
    expect(reuse.reason).toBe("session_ended");
    expect(reuse.message).toMatch(/already used/);
    // The legitimate holder of the newest token is signed out too.
    await refused(service.refresh(second.refreshToken));
    const family = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(family.every((row) => row.revokedAt !== null)).toBe(true);

    // Another session of the same user is untouched.
    const other = await service.exchangeLoginCode(await service.createLoginCode(user.id));
    await expect(service.refresh(other.refreshToken)).resolves.toBeTruthy();
  });

  dbTest("logout revokes the session; unknown tokens are ignored", async ({ db }) => {
    const { service } = setup(db);
    const user = await createUser(db);
    const tokens = await service.exchangeLoginCode(await service.createLoginCode(user.id));
    await service.logout(tokens.refreshToken);
    await refused(service.refresh(tokens.refreshToken));
    await expect(service.logout("no-such-token")).resolves.toBeUndefined();
  });

  dbTest("refuses an expired session", async ({ db }) => {
    const { service, clock } = setup(db);
    const user = await createUser(db);
    const tokens = await service.exchangeLoginCode(await service.createLoginCode(user.id));
    clock.advance(30 * 86_400_000 + 1);
    await refused(service.refresh(tokens.refreshToken));
  });
});

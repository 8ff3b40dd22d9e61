import { encryptionKeyFrom } from "@unwrapped/config";
import { type DatabaseHandle, spotifyCredentials } from "@unwrapped/db";
import { createIsolatedDatabase, dbTest } from "@unwrapped/db/testing";
import type { RunningSandbox } from "@unwrapped/spotify-sandbox";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TokenService } from "../../src/analysis/token-service.js";
import { saveSpotifyTokens } from "../../src/auth/spotify-credentials.js";
import { ManualClock, systemClock, systemTimers } from "../../src/clock.js";
import { TokenCipher } from "../../src/crypto/token-cipher.js";
import { ReauthorizationRequiredError, UpstreamError } from "../../src/errors.js";
import { defaultHttpDependencies } from "../../src/http/retry.js";
import { memoryLogger } from "../../src/testing/index.js";
import { accountsClientFor, connectPersona, startTestSandbox } from "../support/spotify-connection.js";

const cipher = new TokenCipher(encryptionKeyFrom(Buffer.alloc(32, 5).toString("base64")));

describe("TokenService", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterEach(() => {
    sandbox.controls.reset();
    sandbox.controls.clearRequests();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const tokenRequests = () =>
    sandbox.controls.requests.filter((request) => request.path === "/accounts/api/token");

  dbTest("returns the stored token while it has more than 5 minutes left", async ({ db }) => {
    const { user, tokens, accounts } = await connectPersona(db, sandbox, cipher, "metalhead");
    const service = new TokenService({ db, cipher, accounts, clock: systemClock, timers: systemTimers });
    sandbox.controls.clearRequests();
    expect(await service.accessToken(user.id)).toBe(tokens.accessToken);
    expect(tokenRequests()).toHaveLength(0);
  });

  dbTest("refreshes a token expiring within 5 minutes and stores the new one encrypted", async ({ db }) => {
    const clock = new ManualClock();
    const { user, tokens, accounts } = await connectPersona(db, sandbox, cipher, "metalhead", { clock });
    await db
      .update(spotifyCredentials)
      .set({ accessTokenExpiresAt: new Date(clock.now().getTime() + 4 * 60_000) })
      .where(eq(spotifyCredentials.userId, user.id));
    const service = new TokenService({ db, cipher, accounts, clock, timers: clock });
    const fresh = await service.accessToken(user.id);
    expect(fresh).not.toBe(tokens.accessToken);
    const [row] = await db.select().from(spotifyCredentials).where(eq(spotifyCredentials.userId, user.id));
    expect(cipher.decrypt(row?.accessTokenCiphertext ?? "", user.id)).toBe(fresh);
    expect(cipher.decrypt(row?.refreshTokenCiphertext ?? "", user.id)).toBe(tokens.refreshToken); // none sent: kept
    expect(row?.accessTokenExpiresAt.getTime()).toBe(clock.now().getTime() + 3600_000); // expires_in 3600
  });

  dbTest("stores a rotated refresh token", async ({ db }) => {
    const { user, tokens, accounts } = await connectPersona(db, sandbox, cipher, "chart-pop");
    sandbox.controls.setRotateRefreshTokens(true);
    const service = new TokenService({ db, cipher, accounts, clock: systemClock, timers: systemTimers });
    await service.accessToken(user.id, { staleToken: tokens.accessToken });
    const [row] = await db.select().from(spotifyCredentials).where(eq(spotifyCredentials.userId, user.id));
    const stored = cipher.decrypt(row?.refreshTokenCiphertext ?? "", user.id);
    expect(stored).not.toBe(tokens.refreshToken);
    // the stored one works, the old one was rotated away
    await expect(accounts.refresh(stored)).resolves.toBeTruthy();
  });

  dbTest("marks the credentials for re-consent when Spotify refuses the refresh token", async ({ db }) => {
    const { user, tokens, accounts } = await connectPersona(db, sandbox, cipher, "metalhead");
    sandbox.controls.revokeRefreshTokens();
    const service = new TokenService({ db, cipher, accounts, clock: systemClock, timers: systemTimers });
    await expect(service.accessToken(user.id, { staleToken: tokens.accessToken })).rejects.toBeInstanceOf(
      ReauthorizationRequiredError,
    );
    const [row] = await db.select().from(spotifyCredentials).where(eq(spotifyCredentials.userId, user.id));
    expect(row?.reauthorizationRequiredAt).not.toBeNull();
    sandbox.controls.clearRequests();
    await expect(service.accessToken(user.id)).rejects.toBeInstanceOf(ReauthorizationRequiredError);
    expect(tokenRequests()).toHaveLength(0); // no more calls to Spotify for a dead grant
  });

  dbTest(
    "with short-lived tokens, refreshes as the clock passes their end, and logs each refresh at info without a token",
    async ({ db }) => {
      const clock = new ManualClock();
      const short = await startTestSandbox({ accessTokenTtlSeconds: 600, now: () => clock.now().getTime() });
      try {
        const log = memoryLogger("info");
        const { user, tokens, accounts } = await connectPersona(db, short, cipher, "metalhead", { clock });
        const service = new TokenService({ db, cipher, accounts, clock, timers: clock, logger: log.logger });
        expect(await service.accessToken(user.id)).toBe(tokens.accessToken);
        clock.advance(299_000); // 301 s left: still more than the 5-minute margin
        expect(await service.accessToken(user.id)).toBe(tokens.accessToken);
        clock.advance(2_000);
        const second = await service.accessToken(user.id);
        expect(second).not.toBe(tokens.accessToken);
        clock.advance(301_000);
        const third = await service.accessToken(user.id);
        expect(third).not.toBe(second);

        const refreshes = log.lines().filter((line) => line.includes("refreshed the Spotify access token"));
        expect(refreshes).toHaveLength(2);
        expect(JSON.parse(refreshes[0] ?? "{}")).toMatchObject({
          level: 30,
          userId: user.id,
          accessTokenExpiresAt: new Date(clock.now().getTime() - 301_000 + 600_000).toISOString(),
          refreshTokenRotated: false,
        });
        // The sandbox rotates every second refresh by default; the service kept up with it.
        expect(JSON.parse(refreshes[1] ?? "{}")).toMatchObject({ refreshTokenRotated: true });
        for (const token of [tokens.accessToken, tokens.refreshToken, second, third])
          expect(log.lines().join("\n")).not.toContain(token);
      } finally {
        await short.close();
      }
    },
  );

  describe("with committed data", () => {
    let handle: DatabaseHandle;
    beforeAll(async () => {
      handle = await createIsolatedDatabase();
    });
    afterAll(async () => {
      await handle.close();
    });

    it("refreshes once when several workers need a token at the same moment", async () => {
      const { user, accounts } = await connectPersona(handle.db, sandbox, cipher, "hip-hop-head");
      await handle.db
        .update(spotifyCredentials)
        .set({ accessTokenExpiresAt: new Date(systemClock.now().getTime() + 60_000) })
        .where(eq(spotifyCredentials.userId, user.id));
      sandbox.controls.setRotateRefreshTokens(true); // a second refresh with the old token would now fail
      sandbox.controls.clearRequests();
      const services = [1, 2, 3, 4].map(
        () => new TokenService({ db: handle.db, cipher, accounts, clock: systemClock, timers: systemTimers }),
      );
      const tokens = await Promise.all(services.map((service) => service.accessToken(user.id)));
      expect(new Set(tokens).size).toBe(1);
      expect(tokenRequests()).toHaveLength(1);
    });

    it("keeps no transaction open while Spotify answers the refresh: other writes of the row go on", async () => {
      const clock = new ManualClock();
      // The accounts client waits out Retry-After on the manual clock: the refresh hangs until it moves.
      const accounts = accountsClientFor(sandbox, {
        clock,
        http: { ...defaultHttpDependencies, clock, timers: clock },
      });
      const { user } = await connectPersona(handle.db, sandbox, cipher, "metalhead", { clock, accounts });
      await handle.db
        .update(spotifyCredentials)
        .set({ accessTokenExpiresAt: new Date(clock.now().getTime() - 1000) })
        .where(eq(spotifyCredentials.userId, user.id));
      sandbox.controls.rateLimitNext(1, 1, "accounts");
      const service = new TokenService({ db: handle.db, cipher, accounts, clock, timers: clock });
      let settled = false;
      const refreshing = service.accessToken(user.id).finally(() => {
        settled = true;
      });
      await clock.untilTimer(1000); // Spotify answered 429: the refresh waits a second for Retry-After
      // A transaction left open across the call would hold the row (and PGlite's only connection).
      const [written] = await handle.db
        .update(spotifyCredentials)
        .set({ updatedAt: clock.now() })
        .where(eq(spotifyCredentials.userId, user.id))
        .returning({ userId: spotifyCredentials.userId });
      expect(written?.userId).toBe(user.id);
      expect(settled).toBe(false);
      clock.advance(1000);
      await expect(refreshing).resolves.toMatch(/\w{20}/);
    });

    it("waits for another process's refresh and uses its token; takes over a lease its holder left", async () => {
      const clock = new ManualClock();
      const { user, accounts, tokens } = await connectPersona(handle.db, sandbox, cipher, "chart-pop", {
        clock,
      });
      const expire = () =>
        handle.db
          .update(spotifyCredentials)
          .set({ accessTokenExpiresAt: new Date(clock.now().getTime() - 1000) })
          .where(eq(spotifyCredentials.userId, user.id));
      await expire();
      await handle.db
        .update(spotifyCredentials)
        .set({ refreshClaimedUntil: new Date(clock.now().getTime() + 60_000) }) // someone else is refreshing
        .where(eq(spotifyCredentials.userId, user.id));
      sandbox.controls.clearRequests();
      const service = new TokenService({ db: handle.db, cipher, accounts, clock, timers: clock });
      const waiting = service.accessToken(user.id);
      await clock.untilTimer(25); // it found the lease taken and waits before looking again
      const refreshedElsewhere = await accounts.refresh(tokens.refreshToken);
      await saveSpotifyTokens(handle.db, cipher, clock, user.id, refreshedElsewhere, { consented: false });
      clock.advance(25);
      expect(await waiting).toBe(refreshedElsewhere.accessToken);
      expect(tokenRequests()).toHaveLength(1); // only the other process's

      await expire();
      await handle.db
        .update(spotifyCredentials)
        .set({ refreshClaimedUntil: new Date(clock.now().getTime() - 1) }) // its holder died
        .where(eq(spotifyCredentials.userId, user.id));
      const fresh = await service.accessToken(user.id);
      expect(fresh).not.toBe(refreshedElsewhere.accessToken);
      const [row] = await handle.db
        .select()
        .from(spotifyCredentials)
        .where(eq(spotifyCredentials.userId, user.id));
      expect(row?.refreshClaimedUntil).toBeNull();
    });

    it("gives up with a retryable error when another process's refresh takes too long", async () => {
      const clock = new ManualClock();
      const { user, accounts } = await connectPersona(handle.db, sandbox, cipher, "metalhead", { clock });
      await handle.db
        .update(spotifyCredentials)
        .set({
          accessTokenExpiresAt: new Date(clock.now().getTime() - 1000),
          refreshClaimedUntil: new Date(clock.now().getTime() + 60_000),
        })
        .where(eq(spotifyCredentials.userId, user.id));
      const service = new TokenService({ db: handle.db, cipher, accounts, clock, timers: clock });
      const waiting = service.accessToken(user.id).catch((error: unknown) => error);
      let waited = 0;
      const outcome = await Promise.race([
        waiting,
        (async () => {
          // Each look backs off (25 ms doubling up to 500 ms) until 30 s have passed.
          while (waited <= 31_000) {
            await clock.untilTimer();
            clock.advance(500);
            waited += 500;
          }
          return "still waiting";
        })(),
      ]);
      expect(outcome).toBeInstanceOf(UpstreamError);
      expect(outcome).toMatchObject({ retryable: true });
      expect(waited).toBeGreaterThan(30_000);
    });
  });
});

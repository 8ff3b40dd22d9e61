import { randomUUID } from "node:crypto";
import { type Database, loginCodes, notify, sessions, users } from "@unwrapped/db";
import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { addSeconds, type Clock } from "../clock.js";
import { hashToken, randomToken } from "../crypto/random-token.js";
import { UnauthenticatedError } from "../errors.js";
import { SESSION_REVOKED_CHANNEL } from "../queue/channels.js";
import { Timestamp } from "../timestamp.js";
import type { AccessTokens } from "./access-tokens.js";
import type { RevocationList } from "./revocation-list.js";
import { toUser, User } from "./users.js";

/** What signing in and refreshing hand the client. */
export const SessionTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  accessTokenExpiresAt: Timestamp,
  user: User,
});
export type SessionTokens = z.infer<typeof SessionTokens>;

export const LOGIN_CODE_TTL_SECONDS = 60;

/**
 * Our own sessions. A sign-in starts a family of refresh tokens; each refresh rotates to a new token in
 * the family. Presenting a token that was already rotated means it leaked (or a client raced itself):
 * the whole family is revoked, and both holders must sign in again (OAuth 2.0 Security BCP §4.14).
 * Tokens are 256-bit random strings stored only as SHA-256 hashes.
 */
export class SessionService {
  readonly #db: Database;
  readonly #accessTokens: AccessTokens;
  readonly #clock: Clock;
  readonly #refreshTtlSeconds: number;
  readonly #revocations: RevocationList | undefined;

  constructor(dependencies: {
    db: Database;
    accessTokens: AccessTokens;
    clock: Clock;
    refreshTokenTtlSeconds: number;
    /** Told of each family this process revokes; every other process hears it over NOTIFY. */
    revocations?: RevocationList | undefined;
  }) {
    this.#revocations = dependencies.revocations;
    this.#db = dependencies.db;
    this.#accessTokens = dependencies.accessTokens;
    this.#clock = dependencies.clock;
    this.#refreshTtlSeconds = dependencies.refreshTokenTtlSeconds;
  }

  /** A one-time login code for the user, valid 60 s; only its hash is stored. */
  async createLoginCode(userId: string, db: Database = this.#db): Promise<string> {
    const code = randomToken(32);
    const now = this.#clock.now();
    await db.insert(loginCodes).values({
      codeHash: hashToken(code),
      userId,
      createdAt: now,
      expiresAt: addSeconds(now, LOGIN_CODE_TTL_SECONDS),
    });
    return code;
  }

  /** Trades a login code (single use) for a new session. */
  async exchangeLoginCode(code: string): Promise<SessionTokens> {
    const now = this.#clock.now();
    const [consumed] = await this.#db
      .update(loginCodes)
      .set({ consumedAt: now })
      .where(
        and(
          eq(loginCodes.codeHash, hashToken(code)),
          isNull(loginCodes.consumedAt),
          gt(loginCodes.expiresAt, now),
        ),
      )
      .returning({ userId: loginCodes.userId });
    if (!consumed) {
      throw new UnauthenticatedError("This login code is invalid, expired or already used. Sign in again.", {
        reason: "code_invalid",
      });
    }
    return this.#startFamily(consumed.userId);
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    const now = this.#clock.now();
    const outcome = await this.#db.transaction(async (tx) => {
      const [current] = await tx
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, hashToken(refreshToken)))
        .for("update");
      if (!current || current.revokedAt !== null || current.expiresAt <= now)
        return { kind: "refused" } as const;
      if (current.rotatedAt !== null) {
        await tx
          .update(sessions)
          .set({ revokedAt: now })
          .where(and(eq(sessions.familyId, current.familyId), isNull(sessions.revokedAt)));
        await notify(tx, SESSION_REVOKED_CHANNEL, current.familyId); // delivered on commit
        return { kind: "reused", familyId: current.familyId } as const;
      }
      await tx.update(sessions).set({ rotatedAt: now }).where(eq(sessions.id, current.id));
      const token = await this.#insertToken(tx, current.userId, current.familyId);
      const [user] = await tx.select().from(users).where(eq(users.id, current.userId));
      if (!user) return { kind: "refused" } as const;
      return { kind: "rotated", token, user, familyId: current.familyId } as const;
    });
    // The family revocation above is committed before we refuse: the caller must not undo it.
    if (outcome.kind === "reused") {
      this.#revocations?.revoked([outcome.familyId]);
      throw new UnauthenticatedError(
        "This refresh token was already used, so the session was signed out for safety. Sign in again.",
        { reason: "session_ended" },
      );
    }
    if (outcome.kind === "refused") {
      throw new UnauthenticatedError("The session has ended. Sign in again.", { reason: "session_ended" });
    }
    return this.#tokens(outcome.user, outcome.familyId, outcome.token);
  }

  /** Ends the session the refresh token belongs to (its whole family). Unknown tokens are ignored. */
  async logout(refreshToken: string): Promise<void> {
    const [row] = await this.#db
      .select({ familyId: sessions.familyId })
      .from(sessions)
      .where(eq(sessions.tokenHash, hashToken(refreshToken)));
    if (!row) return;
    await this.#db.transaction(async (tx) => {
      await tx
        .update(sessions)
        .set({ revokedAt: this.#clock.now() })
        .where(and(eq(sessions.familyId, row.familyId), isNull(sessions.revokedAt)));
      await notify(tx, SESSION_REVOKED_CHANNEL, row.familyId); // delivered on commit
    });
    this.#revocations?.revoked([row.familyId]);
  }

  /** Whether the family still has an unrevoked token of this user (checked once per access token). */
  async isLive(familyId: string, userId: string): Promise<boolean> {
    const [row] = await this.#db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.familyId, familyId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .limit(1);
    return row !== undefined;
  }

  async #startFamily(userId: string): Promise<SessionTokens> {
    const familyId = randomUUID();
    const token = await this.#insertToken(this.#db, userId, familyId);
    const [user] = await this.#db.select().from(users).where(eq(users.id, userId));
    if (!user) throw new UnauthenticatedError("This account no longer exists.", { reason: "session_ended" });
    return this.#tokens(user, familyId, token);
  }

  async #insertToken(db: Database, userId: string, familyId: string): Promise<string> {
    const token = randomToken(32);
    const now = this.#clock.now();
    await db.insert(sessions).values({
      familyId,
      userId,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: addSeconds(now, this.#refreshTtlSeconds),
    });
    return token;
  }

  async #tokens(
    user: typeof users.$inferSelect,
    familyId: string,
    refreshToken: string,
  ): Promise<SessionTokens> {
    const access = await this.#accessTokens.sign(user.id, familyId);
    return {
      accessToken: access.token,
      refreshToken,
      accessTokenExpiresAt: access.expiresAt,
      user: toUser(user),
    };
  }
}

import { type Database, spotifyCredentials, users } from "@unwrapped/db";
import { desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Clock } from "../clock.js";
import { UnauthenticatedError } from "../errors.js";
import type { SpotifyProfile } from "../spotify/web-api-schemas.js";
import { Timestamp } from "../timestamp.js";

/** A user as clients see them: the signed-in user's own details, never another's. */
export const User = z.object({
  id: z.uuid(),
  spotifyId: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  country: z.string().nullable(),
  imageUrl: z.string().nullable(),
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

export const SpotifyConnection = z.object({
  /** We hold Spotify tokens for this user. */
  connected: z.boolean(),
  /** Spotify no longer accepts them (expired after six months, or revoked): sign in again. */
  reauthorizationRequired: z.boolean(),
});
export type SpotifyConnection = z.infer<typeof SpotifyConnection>;

/** The signed-in user and the state of their Spotify connection (auth.me). */
export const Me = User.extend({ spotify: SpotifyConnection });
export type Me = z.infer<typeof Me>;

/** Spotify refresh tokens expire six months after the user's consent; refreshing does not extend them. */
export const SPOTIFY_REFRESH_TOKEN_LIFETIME_MS = 182 * 24 * 60 * 60 * 1000;

export function toUser(row: typeof users.$inferSelect): User {
  return {
    id: row.id,
    spotifyId: row.spotifyId,
    displayName: row.displayName,
    email: row.email,
    country: row.country,
    imageUrl: row.imageUrl,
    createdAt: row.createdAt,
  };
}

/**
 * Creates or updates the user a Spotify profile belongs to. Accounts are linked by `account_id`
 * (Spotify's immutable id, sent since May 2026) when present, else by `id`. A user first linked by `id`
 * (before Spotify sent account_id) moves to the account_id the first time it arrives, and a profile
 * without account_id finds a user linked by one through the `id` it also stored: either way the same
 * person keeps one account. Fields Spotify stopped sending (development mode: email, country) keep
 * their last known value rather than being erased. Call it inside a transaction.
 */
export async function upsertUserFromProfile(db: Database, profile: SpotifyProfile, clock: Clock) {
  const now = clock.now();
  let linkingId = profile.accountId ?? profile.id;
  if (profile.accountId && profile.accountId !== profile.id) {
    await db.execute(sql`
      update users set spotify_account_id = ${profile.accountId}
      where spotify_account_id = ${profile.id}
        and not exists (select 1 from users taken where taken.spotify_account_id = ${profile.accountId})`);
  } else if (!profile.accountId) {
    const [known] = await db
      .select({ spotifyAccountId: users.spotifyAccountId })
      .from(users)
      .where(eq(users.spotifyId, profile.id))
      .orderBy(desc(users.updatedAt))
      .limit(1);
    if (known) linkingId = known.spotifyAccountId;
  }
  const values = {
    spotifyAccountId: linkingId,
    spotifyId: profile.id,
    displayName: profile.displayName,
    email: profile.email,
    country: profile.country,
    imageUrl: profile.imageUrl,
    createdAt: now,
    updatedAt: now,
  };
  const [row] = await db
    .insert(users)
    .values(values)
    .onConflictDoUpdate({
      target: users.spotifyAccountId,
      set: {
        spotifyId: values.spotifyId,
        displayName: values.displayName,
        imageUrl: values.imageUrl,
        updatedAt: now,
        ...(values.email === null ? {} : { email: values.email }),
        ...(values.country === null ? {} : { country: values.country }),
      },
    })
    .returning();
  if (!row) throw new Error("Upserting the user returned no row");
  return row;
}

export async function findUserWithConnection(db: Database, userId: string, clock: Clock): Promise<Me> {
  const [row] = await db
    .select({
      user: users,
      consentedAt: spotifyCredentials.consentedAt,
      reauthorizationRequiredAt: spotifyCredentials.reauthorizationRequiredAt,
    })
    .from(users)
    .leftJoin(spotifyCredentials, eq(spotifyCredentials.userId, users.id))
    .where(eq(users.id, userId));
  if (!row) throw new UnauthenticatedError("This account no longer exists.", { reason: "session_ended" });
  const connected = row.consentedAt !== null;
  const expired =
    row.consentedAt !== null &&
    clock.now().getTime() - row.consentedAt.getTime() >= SPOTIFY_REFRESH_TOKEN_LIFETIME_MS;
  return {
    ...toUser(row.user),
    spotify: {
      connected,
      reauthorizationRequired: connected && (row.reauthorizationRequiredAt !== null || expired),
    },
  };
}

import { randomUUID } from "node:crypto";
import { type Database, users } from "@unwrapped/db";

/** Inserts a user with unique Spotify ids. */
export async function createUser(db: Database, overrides: Partial<typeof users.$inferInsert> = {}) {
  const suffix = randomUUID();
  const [user] = await db
    .insert(users)
    .values({
      spotifyAccountId: `account-${suffix}`,
      spotifyId: `spotify-${suffix}`,
      displayName: "Test Listener",
      email: "listener@example.com",
      country: "SE",
      ...overrides,
    })
    .returning();
  if (!user) throw new Error("no user inserted");
  return user;
}

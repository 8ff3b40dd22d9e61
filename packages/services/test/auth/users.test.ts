import { users } from "@unwrapped/db";
import { dbTest } from "@unwrapped/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { findUserWithConnection, Me, upsertUserFromProfile } from "../../src/auth/users.js";
import { ManualClock } from "../../src/clock.js";
import type { SpotifyProfile } from "../../src/spotify/web-api-schemas.js";
import { recordedWireShape, wireShapeOf } from "../support/wire-shapes.js";

function profile(overrides: Partial<SpotifyProfile> = {}): SpotifyProfile {
  return {
    id: "spotify-user-1",
    accountId: null,
    displayName: "Ada",
    email: "ada@example.com",
    country: "SE",
    product: "premium",
    imageUrl: null,
    ...overrides,
  };
}

describe("upsertUserFromProfile", () => {
  dbTest(
    "links by account_id, and updates what changed without erasing what Spotify stopped sending",
    async ({ db }) => {
      const clock = new ManualClock();
      const first = await upsertUserFromProfile(db, profile({ accountId: "acc-1" }), clock);
      const again = await upsertUserFromProfile(
        db,
        profile({ accountId: "acc-1", displayName: "Ada L.", email: null, country: null }),
        clock,
      );
      expect(again.id).toBe(first.id);
      expect(again).toMatchObject({ displayName: "Ada L.", email: "ada@example.com", country: "SE" });
    },
  );

  dbTest(
    "keeps one account when Spotify starts sending account_id for a user linked by id",
    async ({ db }) => {
      const clock = new ManualClock();
      const before = await upsertUserFromProfile(db, profile(), clock);
      expect(before.spotifyAccountId).toBe("spotify-user-1");
      const after = await upsertUserFromProfile(db, profile({ accountId: "acc-immutable" }), clock);
      expect(after.id).toBe(before.id);
      expect(after.spotifyAccountId).toBe("acc-immutable");
      const rows = await db.select().from(users).where(eq(users.spotifyId, "spotify-user-1"));
      expect(rows).toHaveLength(1);
    },
  );

  dbTest("finds a user linked by account_id when a later profile lacks it", async ({ db }) => {
    const clock = new ManualClock();
    const linked = await upsertUserFromProfile(
      db,
      profile({ accountId: "acc-2", id: "spotify-user-2" }),
      clock,
    );
    const without = await upsertUserFromProfile(db, profile({ id: "spotify-user-2" }), clock);
    expect(without.id).toBe(linked.id);
    expect(without.spotifyAccountId).toBe("acc-2");
  });
});

describe("Me", () => {
  it("keeps the wire shape of auth.me", () => {
    expect(wireShapeOf(Me)).toEqual(recordedWireShape("Me"));
  });

  dbTest("is what findUserWithConnection returns: no Spotify connection yet", async ({ db }) => {
    const clock = new ManualClock();
    const user = await upsertUserFromProfile(db, profile({ accountId: "acc-me" }), clock);
    const me = await findUserWithConnection(db, user.id, clock);
    expect(Me.parse(me)).toEqual(me);
    expect(me).toEqual({
      id: user.id,
      spotifyId: "spotify-user-1",
      displayName: "Ada",
      email: "ada@example.com",
      country: "SE",
      imageUrl: null,
      createdAt: clock.now(),
      spotify: { connected: false, reauthorizationRequired: false },
    });
  });
});

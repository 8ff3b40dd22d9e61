import type { Database } from "@unwrapped/db";
import { createIsolatedDatabase, dbTest } from "@unwrapped/db/testing";
import { describe, expect, it } from "vitest";
import { AccountService } from "../../src/account/account-service.js";
import { Profiler } from "../../src/analysis/profiler.js";
import { ManualClock } from "../../src/clock.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import {
  STANDINGS_METRICS,
  StandingsService,
  type StandingsValues,
} from "../../src/standings/standings-service.js";
import { obscureIndie } from "../support/listening-fixtures.js";
import { createUser } from "../support/users.js";

async function seed(db: Database, standings: StandingsService, values: readonly StandingsValues[]) {
  const userIds: string[] = [];
  for (const value of values) {
    const user = await createUser(db);
    await standings.record(user.id, crypto.randomUUID(), value);
    userIds.push(user.id);
  }
  return userIds;
}

/** Listener i of 21: underground i/20, acclaim (20 − i)/20, loyalty only for the even ones, diversity in pairs. */
const KNOWN_SET: StandingsValues[] = Array.from({ length: 21 }, (_, index) => ({
  underground: index / 20,
  acclaim: (20 - index) / 20,
  loyalty: index % 2 === 0 ? index / 20 : null,
  diversity: Math.floor(index / 2) / 10,
}));

/** What standings must be, computed the slow way: every other listener compared with this one. */
function bruteForce(values: readonly StandingsValues[], index: number) {
  const mine = values[index] as StandingsValues;
  const result: Record<string, number | null> = {};
  for (const metric of STANDINGS_METRICS) {
    const value = mine[metric];
    const others = values
      .filter((_, other) => other !== index)
      .map((other) => other[metric])
      .filter((other): other is number => other !== null);
    result[metric] =
      value === null || others.length === 0
        ? null
        : others.filter((other) => other < value).length / others.length;
  }
  return { listeners: values.length, ...result };
}

describe("StandingsService", () => {
  dbTest(
    "percentiles are exact on a known set: the share of other listeners strictly below",
    async ({ db }) => {
      const standings = new StandingsService({ db, minListeners: 20 });
      const userIds = await seed(db, standings, KNOWN_SET);
      const middle = await standings.of(userIds[10] ?? "", KNOWN_SET[10] as StandingsValues);
      expect(middle).toEqual({ listeners: 21, underground: 0.5, acclaim: 0.5, loyalty: 0.5, diversity: 0.5 });
      // Listener 11 ties listener 10 on diversity (0.5): a tie is not "ahead".
      expect((await standings.of(userIds[11] ?? "", KNOWN_SET[11] as StandingsValues))?.diversity).toBe(0.5);
      const top = await standings.of(userIds[20] ?? "", KNOWN_SET[20] as StandingsValues);
      expect(top).toEqual({ listeners: 21, underground: 1, acclaim: 0, loyalty: 1, diversity: 1 });
      // A metric the verdict lacks is null; the others still count.
      const odd = await standings.of(userIds[3] ?? "", KNOWN_SET[3] as StandingsValues);
      expect(odd?.loyalty).toBeNull();
      for (const [index, userId] of userIds.entries()) {
        expect(await standings.of(userId, KNOWN_SET[index] as StandingsValues)).toEqual(
          bruteForce(KNOWN_SET, index),
        );
      }
    },
  );

  dbTest("agrees with a brute-force count on values at and around bucket edges", async ({ db }) => {
    const standings = new StandingsService({ db, minListeners: 1 });
    let state = 7;
    const random = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const edges = [0, 1, 0.29, 0.57, 0.001, 0.999, 0.5, 0.5, 0.0005, 0.1 + 0.2];
    const values: StandingsValues[] = Array.from({ length: 60 }, (_, index) => ({
      underground: edges[index % edges.length] ?? 0,
      acclaim: Math.round(random() * 1000) / 1000,
      loyalty: random(),
      diversity: index % 5 === 0 ? null : Math.round(random() * 100) / 100,
    }));
    const userIds = await seed(db, standings, values);
    for (const [index, userId] of userIds.entries()) {
      expect(await standings.of(userId, values[index] as StandingsValues)).toEqual(bruteForce(values, index));
    }
  });

  dbTest("is hidden below MIN_STANDINGS_LISTENERS, then shown with the count", async ({ db }) => {
    const standings = new StandingsService({ db, minListeners: 20 });
    const userIds = await seed(db, standings, KNOWN_SET.slice(0, 19));
    expect(await standings.of(userIds[0] ?? "", KNOWN_SET[0] as StandingsValues)).toBeNull();
    await seed(db, standings, KNOWN_SET.slice(19, 20));
    expect((await standings.of(userIds[0] ?? "", KNOWN_SET[0] as StandingsValues))?.listeners).toBe(20);
  });

  dbTest("a new verdict replaces the listener's entry, and a departed listener leaves", async ({ db }) => {
    const standings = new StandingsService({ db, minListeners: 1 });
    const userIds = await seed(db, standings, KNOWN_SET);
    const first = userIds[0] ?? "";
    const moved: StandingsValues = { underground: 1, acclaim: 1, loyalty: 1, diversity: 1 };
    await standings.record(first, crypto.randomUUID(), moved);
    const after = [moved, ...KNOWN_SET.slice(1)];
    expect(await standings.of(first, moved)).toEqual(bruteForce(after, 0));
    // An older verdict of the same listener is compared with everyone else's latest.
    expect(await standings.of(first, KNOWN_SET[0] as StandingsValues)).toEqual(bruteForce(KNOWN_SET, 0));

    await standings.forget(first);
    const last = userIds[20] ?? "";
    expect(await standings.of(last, KNOWN_SET[20] as StandingsValues)).toEqual(
      bruteForce(KNOWN_SET.slice(1), 19),
    );

    // A rebuild from the analyses table (there are none here) starts from nothing.
    await standings.rebuild();
    expect(await standings.of(last, KNOWN_SET[20] as StandingsValues)).toBeNull();
  });

  dbTest("the first use builds the standings from every user's latest completed verdict", async ({ db }) => {
    const clock = new ManualClock();
    const queue = new AnalysisQueue({ db, clock, settings: { leaseSeconds: 60, maxAttempts: 3 } });
    const profile = new Profiler().profile(obscureIndie);
    const complete = async (userId: string, criticalAcclaim: number) => {
      await queue.enqueue(userId);
      const task = (await queue.claim("worker", 100)).find(
        (claimed) => claimed.userId === userId,
      ) as ClaimedTask;
      await queue.complete(task, {
        judge: "rules",
        profile,
        label: "A LABEL",
        description: "words",
        criticalAcclaim,
        mainstream: 0.5,
        promptVersion: null,
        shareToken: `token-${task.id}`,
      });
      clock.advance(1000);
    };
    const users = [await createUser(db), await createUser(db), await createUser(db)];
    for (const [index, user] of users.entries()) await complete(user.id, index / 4);
    await complete(users[0]?.id ?? "", 0.9); // the first listener's latest verdict is now ahead of both

    const standings = new StandingsService({ db, minListeners: 3 });
    const result = await standings.of(users[0]?.id ?? "", {
      underground: profile.obscurity,
      acclaim: 0.9,
      loyalty: profile.artistLoyalty,
      diversity: profile.genreDiversity,
    });
    expect(result).toMatchObject({ listeners: 3, acclaim: 1, underground: 0 });
  });

  dbTest("deleting an account takes the listener out of the standings", async ({ db }) => {
    const standings = new StandingsService({ db, minListeners: 1 });
    const userIds = await seed(db, standings, KNOWN_SET);
    await new AccountService({ db }).delete(userIds[0] ?? "");
    const last = userIds[20] ?? "";
    expect(await standings.of(last, KNOWN_SET[20] as StandingsValues)).toEqual(
      bruteForce(KNOWN_SET.slice(1), 19),
    );
  });
});

describe("StandingsService with committed data", () => {
  it("stays exact when completions record at once (on PostgreSQL: concurrent transactions, first build included)", async () => {
    const handle = await createIsolatedDatabase();
    try {
      const standings = new StandingsService({ db: handle.db, minListeners: 1 });
      const users = await Promise.all(KNOWN_SET.map(() => createUser(handle.db)));
      await Promise.all(
        users.map((user, index) =>
          standings.record(user.id, crypto.randomUUID(), KNOWN_SET[index] as StandingsValues),
        ),
      );
      // Everyone moves at once, again.
      const moved = KNOWN_SET.map((values) => ({ ...values, acclaim: 1 - (values.acclaim ?? 0) }));
      await Promise.all(
        users.map((user, index) =>
          standings.record(user.id, crypto.randomUUID(), moved[index] as StandingsValues),
        ),
      );
      for (const [index, user] of users.entries()) {
        expect(await standings.of(user.id, moved[index] as StandingsValues)).toEqual(
          bruteForce(moved, index),
        );
      }
    } finally {
      await handle.close();
    }
  });
});

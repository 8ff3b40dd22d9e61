import { createServices } from "@unwrapped/services";
import { silentLogger } from "@unwrapped/services/testing";
import { describe, expect, it } from "vitest";
import { createLocalCaller, createLocalCallerForUser, eventData } from "../src/local-caller.js";
import { apiTest, apiWorld } from "./support/api-fixture.js";
import { rejectionOf } from "./support/error-shape.js";

describe("createLocalCaller", () => {
  apiTest(
    "calls as the user of the access token it was given, and anonymously without one",
    async ({ api }) => {
      const { listener } = api.world;
      const caller = createLocalCaller({ services: api.services, accessToken: listener.accessToken });
      expect((await caller.auth.me()).id).toBe(listener.userId);
      const anonymous = createLocalCaller({ services: api.services });
      await expect(anonymous.health.check()).resolves.toMatchObject({ status: "ok" });
      expect((await rejectionOf(anonymous.auth.me())).code).toBe("UNAUTHORIZED");
    },
  );
});

describe("eventData", () => {
  // A watch LISTENs, which needs a connection of its own: outside a test's transaction.
  it("reads the statuses of a watch in process, which ends after the terminal one", async () => {
    const world = await apiWorld();
    const services = createServices({ config: world.config, database: world.handle, logger: silentLogger });
    try {
      const { listener } = world;
      const caller = createLocalCaller({ services, accessToken: listener.accessToken });
      const statuses = [];
      for await (const event of await caller.analysis.watch({ analysisId: listener.completedAnalysisId })) {
        statuses.push(eventData(event));
      }
      expect(statuses).toEqual([
        expect.objectContaining({ analysisId: listener.completedAnalysisId, status: "completed" }),
      ]);
    } finally {
      await services.statusHub.close();
      await services.revocations.close();
    }
  });
});

describe("createLocalCallerForUser", () => {
  apiTest("acts as a user of the database with a real session, which refreshes and ends", async ({ api }) => {
    const { listener } = api.world;
    const { caller, session } = await createLocalCallerForUser(api.services, listener.userId);
    expect(session.user.id).toBe(listener.userId);
    expect((await caller.analysis.result()).analysisId).toBe(listener.completedAnalysisId);
    const refreshed = await caller.auth.refresh({ refreshToken: session.refreshToken });
    expect(
      (await createLocalCaller({ services: api.services, accessToken: refreshed.accessToken }).auth.me()).id,
    ).toBe(listener.userId);
    await caller.auth.logout({ refreshToken: refreshed.refreshToken });
    expect((await rejectionOf(caller.auth.refresh({ refreshToken: refreshed.refreshToken }))).code).toBe(
      "UNAUTHORIZED",
    );
  });
});

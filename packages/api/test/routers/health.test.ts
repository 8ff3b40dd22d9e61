import { describe, expect } from "vitest";
import { apiTest } from "../support/api-fixture.js";

describe("health router", () => {
  apiTest("check answers ok with the database kind, worker mode and live workers", async ({ api }) => {
    await expect(api.caller().health.check()).resolves.toEqual({
      status: "ok",
      database: api.world.handle.kind,
      worker: api.world.config.worker.mode,
      liveWorkers: 0,
    });
    await api.services.workers.announce({ id: "worker-a", concurrency: 2 });
    await expect(api.caller().health.check()).resolves.toMatchObject({ liveWorkers: 1 });
  });
});

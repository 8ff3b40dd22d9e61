import { describe, expect } from "vitest";
import { apiTest } from "../support/api-fixture.js";

describe("health router", () => {
  apiTest("check answers ok with the database kind and worker mode", async ({ api }) => {
    await expect(api.caller().health.check()).resolves.toEqual({
      status: "ok",
      database: api.world.handle.kind,
      worker: api.world.config.worker.mode,
    });
  });
});

import { describe, expect } from "vitest";
import { z } from "zod";
import { apiTest } from "../support/api-fixture.js";
import { clientShape, rejectionOf } from "../support/error-shape.js";

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

describe("analysis router", () => {
  apiTest("begin queues one analysis, and begin again returns that same one", async ({ api }) => {
    const listener = await api.signIn("jazz-soul-nostalgic");
    const caller = api.caller(listener.accessToken);
    const begun = await caller.analysis.begin();
    expect(begun).toMatchObject({ status: "pending", stage: "queued", progress: 0, error: null });
    expect(begun.createdAt).toBeInstanceOf(Date);
    expect((await caller.analysis.begin()).analysisId).toBe(begun.analysisId);
    expect(await caller.analysis.status()).toMatchObject({ analysisId: begun.analysisId, status: "pending" });
    expect(await caller.analysis.status({ analysisId: begun.analysisId })).toEqual(begun);
  });

  apiTest("result is PRECONDITION_FAILED until the analysis has completed", async ({ api }) => {
    const listener = await api.signIn("hip-hop-head");
    const caller = api.caller(listener.accessToken);
    const begun = await caller.analysis.begin();
    const error = await rejectionOf(caller.analysis.result({ analysisId: begun.analysisId }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(clientShape(error, "analysis.result").data.httpStatus).toBe(412);
  });

  apiTest(
    "result of a completed analysis has the verdict, the profile and the share link",
    async ({ api }) => {
      const { listener } = api.world;
      const result = await api.caller(listener.accessToken).analysis.result();
      expect(result).toMatchObject({
        analysisId: listener.completedAnalysisId,
        label: expect.any(String),
        description: expect.any(String),
        judge: "rules",
        profile: { version: 1, enoughData: true },
      });
      expect(result.shareUrl).toBe(`${api.world.config.server.publicUrl}/s/${result.shareToken}`);
      expect(result.analyzedAt).toBeInstanceOf(Date);
    },
  );

  apiTest(
    "another listener's analysis is NOT_FOUND, exactly like an id that does not exist",
    async ({ api }) => {
      const stranger = api.caller((await api.signIn("classical-curator")).accessToken);
      const theirs = api.world.listener.completedAnalysisId;
      for (const analysisId of [theirs, UNKNOWN_ID]) {
        const [status, result] = await Promise.all([
          rejectionOf(stranger.analysis.status({ analysisId })),
          rejectionOf(stranger.analysis.result({ analysisId })),
        ]);
        expect(status.code).toBe("NOT_FOUND");
        expect(result.code).toBe("NOT_FOUND");
        expect(result.message).toBe(status.message);
      }
    },
  );

  apiTest("history lists a listener's analyses, newest first", async ({ api }) => {
    const { listener } = api.world;
    const caller = api.caller(listener.accessToken);
    const page = await caller.analysis.history();
    expect(page.items.map((item) => item.analysisId)).toEqual([listener.completedAnalysisId]);
    expect(page.items[0]).toMatchObject({ status: "completed", stage: "done", progress: 1 });
    expect(page.nextCursor).toBeNull();
    const newer = await caller.analysis.begin({ fresh: true });
    expect((await caller.analysis.history({ limit: 1 })).items.map((item) => item.analysisId)).toEqual([
      newer.analysisId,
    ]);
  });

  apiTest("invalid input is BAD_REQUEST with field errors, and nothing is changed", async ({ api }) => {
    const caller = api.caller(api.world.listener.accessToken);
    const badId = await rejectionOf(caller.analysis.status({ analysisId: "not-a-uuid" }));
    expect(badId.code).toBe("BAD_REQUEST");
    expect(clientShape(badId, "analysis.status").data.zodError?.fieldErrors).toEqual({
      analysisId: ["analysisId must be a UUID"],
    });
    const badLimit = await rejectionOf(caller.analysis.history({ limit: 99 }));
    expect(badLimit.code).toBe("BAD_REQUEST");
    expect(badLimit.cause).toBeInstanceOf(z.ZodError);
    expect(Object.keys(clientShape(badLimit, "analysis.history").data.zodError?.fieldErrors ?? {})).toEqual([
      "limit",
    ]);
    const badFresh = await rejectionOf(caller.analysis.begin({ fresh: "yes" as unknown as boolean }));
    expect(clientShape(badFresh, "analysis.begin").data.zodError?.fieldErrors).toHaveProperty("fresh");
    expect((await caller.analysis.history()).items).toHaveLength(1);
  });

  apiTest("every analysis procedure needs a signed-in listener", async ({ api }) => {
    const anonymous = api.caller();
    const calls = [
      anonymous.analysis.begin(),
      anonymous.analysis.status(),
      anonymous.analysis.result(),
      anonymous.analysis.history(),
    ];
    for (const error of await Promise.all(calls.map(rejectionOf))) expect(error.code).toBe("UNAUTHORIZED");
  });
});

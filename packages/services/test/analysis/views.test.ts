import { analyses } from "@unwrapped/db";
import { dbTest } from "@unwrapped/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  AnalysisResult,
  AnalysisStatus,
  HistoryPage,
  toAnalysisResult,
  toAnalysisStatus,
} from "../../src/analysis/views.js";
import { ManualClock } from "../../src/clock.js";
import { Match } from "../../src/match/match-views.js";
import { AnalysisQueue, type ClaimedTask } from "../../src/queue/analysis-queue.js";
import { storedResult } from "../support/stored-result.js";
import { createUser } from "../support/users.js";
import { recordedWireShape, wireShapeOf } from "../support/wire-shapes.js";

const statusRow = {
  id: "00000000-0000-4000-8000-000000000001",
  status: "pending" as const,
  stage: "queued" as const,
  progress: 0,
  attempts: 1,
  errorCode: null,
  errorMessage: null,
  createdAt: new Date("2026-11-27T12:00:00Z"),
  startedAt: null,
  completedAt: null,
  draft: null,
};

describe("analysis views", () => {
  it("keep the wire shapes of analysis.status, analysis.result and analysis.history", () => {
    expect(wireShapeOf(AnalysisStatus)).toEqual(recordedWireShape("AnalysisStatus"));
    expect(wireShapeOf(AnalysisResult)).toEqual(recordedWireShape("AnalysisResult"));
    expect(wireShapeOf(HistoryPage)).toEqual(recordedWireShape("HistoryPage"));
    expect(wireShapeOf(Match)).toEqual(recordedWireShape("Match"));
  });

  it("show an error only when the row has one, with a readable message even when none was stored", () => {
    expect(toAnalysisStatus(statusRow).error).toBeNull();
    expect(
      toAnalysisStatus({ ...statusRow, errorCode: "SPOTIFY_UNAVAILABLE", errorMessage: "Later." }),
    ).toMatchObject({ analysisId: statusRow.id, error: { code: "SPOTIFY_UNAVAILABLE", message: "Later." } });
    expect(toAnalysisStatus({ ...statusRow, errorCode: "X" }).error).toEqual({
      code: "X",
      message: "The analysis failed.",
    });
  });

  dbTest(
    "map a completed row to a valid result, without the share link while sharing is revoked",
    async ({ db }) => {
      const clock = new ManualClock();
      const queue = new AnalysisQueue({ db, clock, settings: { leaseSeconds: 60, maxAttempts: 3 } });
      const user = await createUser(db);
      await queue.enqueue(user.id);
      const task = (await queue.claim("worker", 100)).find(
        (claimed) => claimed.userId === user.id,
      ) as ClaimedTask;
      clock.advance(1000);
      await queue.complete(task, storedResult({ shareToken: "share-token-views-000000000000" }));
      const [row] = await db.select().from(analyses).where(eq(analyses.id, task.id));
      if (!row) throw new Error("row missing");

      const result = toAnalysisResult(row, "https://unwrapped.example");
      expect(AnalysisResult.parse(result)).toEqual(result);
      expect(result).toMatchObject({
        analysisId: task.id,
        label: "TEST LABEL",
        shareToken: "share-token-views-000000000000",
        shareUrl: "https://unwrapped.example/s/share-token-views-000000000000",
        analyzedAt: clock.now(),
      });
      expect(AnalysisStatus.parse(toAnalysisStatus(row))).toEqual(toAnalysisStatus(row));

      const revoked = toAnalysisResult({ ...row, shareRevokedAt: clock.now() }, "https://unwrapped.example");
      expect(revoked).toMatchObject({ shareToken: null, shareUrl: null });
    },
  );
});

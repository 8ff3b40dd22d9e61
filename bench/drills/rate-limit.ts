import { setTimeout as delay } from "node:timers/promises";
import { startSandbox } from "@unwrapped/spotify-sandbox";
import { describeCounts, summarizeAnalyses, uuidArray, waitForAnalysesFinished } from "../analysis-rows.js";
import { beginAnalyses, type Drill, type DrillResult, prepareDrill, seconds } from "../drill-support.js";
import { spotifySettingsFor, startWorkerProcess } from "../unwrapped.js";

const ANALYSES = 20;
const WINDOW_MS = 10_000;

/**
 * The sandbox runs in the drill's process (startSandbox), so its fault controls are at hand; the worker
 * is a separate process pointed at it.
 */
async function run(): Promise<DrillResult> {
  const sandbox = await startSandbox({
    clientId: "unwrapped-demo-client",
    clientSecret: "unwrapped-demo-secret",
  });
  try {
    const fixture = await prepareDrill("drill_rate_limit", {
      spotify: spotifySettingsFor(sandbox.url),
      listenerCount: ANALYSES,
    });
    try {
      await startWorkerProcess({ name: "rate-limit-worker", settings: fixture.settings });
      sandbox.controls.clearRequests();
      const windowStart = Date.now();
      sandbox.controls.rateLimitUntil(windowStart + WINDOW_MS, "api");
      const ids = await beginAnalyses(fixture);
      const seenErrorCodes = new Set<string>();
      let failedDuringWindow = 0;
      while (Date.now() < windowStart + WINDOW_MS) {
        const summary = await summarizeAnalyses(fixture.database.sql, ids);
        for (const code of Object.keys(summary.errorCodes)) seenErrorCodes.add(code);
        failedDuringWindow = Math.max(failedDuringWindow, summary.byStatus.failed ?? 0);
        await delay(250);
      }
      await waitForAnalysesFinished(fixture.database.sql, ids, 120_000, 250);
      const summary = await summarizeAnalyses(fixture.database.sql, ids);
      const rows = await fixture.database.sql<{ started_at: Date; completed_at: Date | null }[]>`
        select started_at, completed_at from analyses where id = any(${uuidArray(ids)}::uuid[])`;
      const firstCompletion = Math.min(
        ...rows.map((row) => row.completed_at?.getTime() ?? Number.POSITIVE_INFINITY),
      );
      const rateLimited = sandbox.controls.requests.filter((request) => request.status === 429).length;
      const allCompleted = (summary.byStatus.completed ?? 0) === ANALYSES;
      const delayed = firstCompletion >= windowStart + WINDOW_MS - 1000;
      const passed = allCompleted && (summary.byStatus.failed ?? 0) === 0 && rateLimited > 0 && delayed;
      return {
        name: "rate-limit",
        description: `the Spotify sandbox answers every Web API request 429 with Retry-After for ${WINDOW_MS / 1000} s (${ANALYSES} analyses begun at the start of the window)`,
        passed,
        figures: [
          `the sandbox answered ${rateLimited} requests with 429`,
          `error codes on the rows while rate limited: ${[...seenErrorCodes].join(", ") || "none"}; failed during the window: ${failedDuringWindow}`,
          `first completion ${seconds(firstCompletion - windowStart)} after the window opened (it lasted ${seconds(WINDOW_MS)}); last ${summary.lastCompletedAt ? seconds(summary.lastCompletedAt.getTime() - windowStart) : "never"}`,
          `outcome: ${describeCounts(summary.byStatus)}; attempts beyond the first: ${summary.extraAttempts}`,
        ],
      };
    } finally {
      await fixture.inProcess.close();
    }
  } finally {
    await sandbox.close();
  }
}

export const rateLimitDrill: Drill = {
  name: "rate-limit",
  description: "Spotify answers 429 + Retry-After for 10 s: analyses are delayed, not failed",
  run,
};

import { setTimeout as delay } from "node:timers/promises";
import {
  countFinished,
  describeCounts,
  summarizeAnalyses,
  waitForAnalysesFinished,
} from "../analysis-rows.js";
import { waitUntil } from "../concurrency.js";
import { beginAnalyses, type Drill, type DrillResult, prepareDrill, seconds } from "../drill-support.js";
import { startSandboxProcess, startWorkerProcess } from "../unwrapped.js";
import { countCompletions } from "../worker-logs.js";

const ANALYSES = 200;
const LEASE_SECONDS = 5;
const MARGIN_SECONDS = 10;
const SANDBOX_LATENCY_MS = 50;

async function run(): Promise<DrillResult> {
  const sandbox = await startSandboxProcess({ name: "kill-sandbox", latencyMs: SANDBOX_LATENCY_MS });
  const fixture = await prepareDrill("drill_kill", {
    spotify: sandbox.spotifySettings,
    listenerCount: ANALYSES,
    settings: { WORKER_LEASE_SECONDS: String(LEASE_SECONDS), WORKER_CONCURRENCY: "4" },
  });
  try {
    const ids = await beginAnalyses(fixture);
    const victim = await startWorkerProcess({ name: "kill-worker-victim", settings: fixture.settings });
    const survivor = await startWorkerProcess({ name: "kill-worker-survivor", settings: fixture.settings });
    const { sql } = fixture.database;
    await waitUntil(async () => (await countFinished(sql, ids)) >= ANALYSES / 5, {
      timeoutMs: 60_000,
      what: "a fifth of the analyses to finish",
    });
    const orphansBefore = await sql<{ id: string }[]>`
      select id from analyses where status = 'processing' and locked_by like ${`%:${victim.pid}:%`}`;
    victim.kill();
    const killedAt = Date.now();
    await victim.exited;
    await delay(100);
    // Tasks the victim held when it died (it may have claimed more between the query and the kill).
    const orphans = await sql<{ id: string }[]>`
      select id from analyses where status = 'processing' and locked_by like ${`%:${victim.pid}:%`}`;
    await waitForAnalysesFinished(sql, ids, 180_000);
    const finishedAt = Date.now();
    const orphanIds = orphans.map((row) => row.id);
    const orphanSummary = orphanIds.length > 0 ? await summarizeAnalyses(sql, orphanIds) : null;
    const summary = await summarizeAnalyses(sql, ids);
    await survivor.stop();
    const completions = countCompletions([victim.log(), survivor.log()], new Set(ids));

    const orphansDoneMs = orphanSummary?.lastCompletedAt
      ? orphanSummary.lastCompletedAt.getTime() - killedAt
      : 0;
    const allCompleted = (summary.byStatus.completed ?? 0) === ANALYSES;
    const orphansInTime = orphansDoneMs <= (LEASE_SECONDS + MARGIN_SECONDS) * 1000;
    const passed =
      allCompleted && completions.completedMoreThanOnce === 0 && orphansInTime && orphanIds.length > 0;
    return {
      name: "worker-kill",
      description: `SIGKILL one of two worker processes mid-run (${ANALYSES} analyses, sandbox ${SANDBOX_LATENCY_MS} ms, WORKER_LEASE_SECONDS=${LEASE_SECONDS})`,
      passed,
      figures: [
        `killed worker pid ${victim.pid} with SIGKILL after ${ANALYSES / 5}+ analyses had finished; it held ${orphanIds.length} analyses (${orphansBefore.length} just before the kill)`,
        `orphaned analyses completed by the other worker ${seconds(orphansDoneMs)} after the kill (limit: lease ${LEASE_SECONDS} s + margin ${MARGIN_SECONDS} s)${orphanSummary ? `, their attempts beyond the first: ${orphanSummary.extraAttempts}` : ""}`,
        `all analyses: ${describeCounts(summary.byStatus)} (${seconds(finishedAt - killedAt)} after the kill); extra attempts ${summary.extraAttempts}`,
        `completed more than once (outcome=completed log lines per analysisId across both workers): ${completions.completedMoreThanOnce}; completion lines ${completions.completedLines} (a line fewer than analyses means the victim was killed between committing a completion and logging it; the rows are the authority: each completed once); other outcomes: ${describeCounts(completions.otherOutcomes)}`,
      ],
    };
  } finally {
    await fixture.inProcess.close();
  }
}

export const workerKillDrill: Drill = {
  name: "worker-kill",
  description:
    "SIGKILL one of two workers mid-run: every analysis completes exactly once within lease + margin",
  run,
};

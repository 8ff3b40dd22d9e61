import { describeCounts, summarizeAnalyses, uuidArray, waitForAnalysesFinished } from "../analysis-rows.js";
import { beginAnalyses, type Drill, type DrillResult, prepareDrill } from "../drill-support.js";
import { freePort } from "../processes.js";
import { startSandboxProcess, startWorkerProcess } from "../unwrapped.js";

const ANALYSES = 10;

async function run(): Promise<DrillResult> {
  const closedPort = await freePort();
  const sandbox = await startSandboxProcess({ name: "llm-down-sandbox", latencyMs: 0 });
  const fixture = await prepareDrill("drill_llm_down", {
    spotify: sandbox.spotifySettings,
    listenerCount: ANALYSES,
    settings: {
      LLM_BASE_URL: `http://127.0.0.1:${closedPort}/v1`,
      LLM_MODEL: "bench-model",
      LLM_API_KEY: "bench-key",
    },
  });
  try {
    const worker = await startWorkerProcess({ name: "llm-down-worker", settings: fixture.settings });
    const ids = await beginAnalyses(fixture);
    await waitForAnalysesFinished(fixture.database.sql, ids, 120_000, 100);
    const summary = await summarizeAnalyses(fixture.database.sql, ids);
    const durations = await fixture.database.sql<{ ms: number }[]>`
      select extract(epoch from completed_at - started_at) * 1000 as ms from analyses
      where id = any(${uuidArray(ids)}::uuid[])`;
    await worker.stop();
    const fallbacks = worker
      .log()
      .split("\n")
      .filter((line) => line.includes("LLM judge failed; using the rules judge")).length;
    const passed =
      (summary.byStatus.completed ?? 0) === ANALYSES && (summary.byJudge.rules ?? 0) === ANALYSES;
    const longest = Math.max(...durations.map((row) => Number(row.ms)));
    return {
      name: "llm-down",
      description: `LLM_BASE_URL points at a closed port (127.0.0.1:${closedPort}); ${ANALYSES} analyses`,
      passed,
      figures: [
        `outcome: ${describeCounts(summary.byStatus)}; judge: ${describeCounts(summary.byJudge)}`,
        `"LLM judge failed; using the rules judge" warnings in the worker log: ${fallbacks}`,
        `longest analysis (started -> completed): ${Math.round(longest)} ms`,
      ],
    };
  } finally {
    await fixture.inProcess.close();
  }
}

export const llmDownDrill: Drill = {
  name: "llm-down",
  description: "the LLM endpoint is down: verdicts come from the rules judge",
  run,
};

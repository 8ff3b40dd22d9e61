import { join } from "node:path";
import { waitForAnalysesFinished } from "../analysis-rows.js";
import { mapConcurrently } from "../concurrency.js";
import { unwrappedSettings } from "../environment.js";
import { createBenchDatabase } from "../postgres.js";
import { readProcessProfile } from "../process-profile.js";
import { CpuMeter, RUN_DIRECTORY } from "../processes.js";
import { renderProfileSummary } from "../profile-summary.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { seedPersonas, signInListeners } from "../sign-in.js";
import { formatNumber, type ScenarioReport } from "../tables.js";
import { openServices, startSandboxProcess, startWorkerProcess } from "../unwrapped.js";

/** Microseconds on the monotonic clock, the clock of V8's profile timestamps on Linux. */
function monotonicMicroseconds(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Scenario (c) with one worker process under `node --cpu-prof`: where a worker's CPU goes per analysis
 * (the resource that limits the queue's throughput on this machine).
 */
async function run(options: BenchOptions): Promise<ScenarioReport> {
  const analyses = options.quick ? 200 : 1000;
  const profileDirectory = join(RUN_DIRECTORY, "profile-worker");
  const database = await createBenchDatabase("profile_worker");
  const sandbox = await startSandboxProcess({ name: "profile-worker-sandbox", latencyMs: 0 });
  const settings = unwrappedSettings({
    DATABASE_URL: database.url,
    WORKER: "external",
    MIGRATE: "off",
    WORKER_CONCURRENCY: "4",
    FRESH_ANALYSIS_COOLDOWN_SECONDS: "0",
    ...sandbox.spotifySettings,
  });
  const inProcess = await openServices(settings);
  try {
    const listeners = await signInListeners(inProcess.services, seedPersonas(analyses), 16);
    const begun = await mapConcurrently(listeners, 16, (listener) =>
      inProcess.services.analyses.begin(listener.userId, { fresh: true }),
    );
    const ids = begun.map((status) => status.analysisId);
    const from = monotonicMicroseconds();
    const worker = await startWorkerProcess({
      name: "profile-worker",
      settings,
      nodeFlags: ["--cpu-prof", "--cpu-prof-dir", profileDirectory],
    });
    const meter = new CpuMeter(() => [worker.pid]);
    meter.start();
    await waitForAnalysesFinished(database.sql, ids, 10 * 60_000);
    const workerCpu = meter.stop();
    const to = monotonicMicroseconds();
    await worker.stop({ timeoutMs: 30_000 });
    const { summary, relativePath } = readProcessProfile(profileDirectory, worker.pid, {
      fromMicroseconds: from,
      toMicroseconds: to,
    });
    return {
      title: "(c) profile: one worker process under node --cpu-prof while draining",
      command: commandFor("profile-worker", options),
      table: {
        headers: ["group (Node/V8 internals charged to their caller)", "µs/analysis", "% of busy"],
        rows: summary.chargedGroups
          .filter((group) => group.group !== "idle")
          .map((group) => [
            group.group,
            formatNumber(group.microseconds / analyses, 0),
            `${((group.microseconds / summary.busyMicroseconds) * 100).toFixed(1)} %`,
          ]),
      },
      notes: [
        `${analyses} analyses, one worker (WORKER_CONCURRENCY=4), standalone sandbox at 0 ms; worker CPU by /proc: ${formatNumber(workerCpu / 1000 / analyses, 1)} ms per analysis (under the profiler).`,
        `Profile: ${relativePath}; re-run with \`pnpm exec tsx bench/profile-summary.ts ${relativePath} --requests ${analyses} --window ${from}:${to}\`.`,
      ],
      details: renderProfileSummary(summary, { requests: analyses, unit: "analysis" }),
      targets: [],
    };
  } finally {
    await inProcess.close();
  }
}

export const profileWorkerScenario: Scenario = {
  name: "profile-worker",
  description: "(c) one worker under node --cpu-prof while draining: where its CPU goes per analysis",
  run,
};

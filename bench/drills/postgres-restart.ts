import { setTimeout as delay } from "node:timers/promises";
import { TRPCClientError } from "@trpc/client";
import { describeCounts, summarizeAnalyses, waitForAnalysesFinished } from "../analysis-rows.js";
import { onCleanup } from "../cleanup.js";
import { mapConcurrently } from "../concurrency.js";
import { beginAnalyses, type Drill, type DrillResult, prepareDrill, seconds } from "../drill-support.js";
import { controlPostgresCluster, postgresClusterOnline } from "../postgres.js";
import { freePort } from "../processes.js";
import { median } from "../stats.js";
import { createBenchClient } from "../trpc-client.js";
import { startSandboxProcess, startServerProcess, startWorkerProcess } from "../unwrapped.js";
import { finishedAnalyses } from "../worker-logs.js";

const ANALYSES_BEFORE = 100;
const ANALYSES_AFTER = 20;
const OUTAGE_MS = 5_000;
const SANDBOX_LATENCY_MS = 300;
const LEASE_SECONDS = 10;

interface Probe {
  readonly at: number;
  readonly durationMs: number;
  readonly outcome: string;
}

/** Calls analysis.status every 100 ms until stopped, recording "ok" or "<code>: <message>" per call. */
function startProbing(call: () => Promise<unknown>): { probes: Probe[]; stop: () => Promise<void> } {
  const probes: Probe[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      try {
        await call();
        probes.push({ at, durationMs: Date.now() - at, outcome: "ok" });
      } catch (error) {
        const code =
          error instanceof TRPCClientError
            ? String((error.data as { code?: string } | undefined)?.code)
            : "network";
        probes.push({ at, durationMs: Date.now() - at, outcome: `${code}: ${(error as Error).message}` });
      }
      await delay(100);
    }
  })();
  return {
    probes,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

function outcomesIn(log: string): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const line of finishedAnalyses(log)) outcomes[line.outcome] = (outcomes[line.outcome] ?? 0) + 1;
  return outcomes;
}

function ensurePostgresRunning(): void {
  if (!postgresClusterOnline()) controlPostgresCluster("start");
}

async function run(): Promise<DrillResult> {
  onCleanup(ensurePostgresRunning);
  const sandbox = await startSandboxProcess({ name: "restart-sandbox", latencyMs: SANDBOX_LATENCY_MS });
  // Access tokens carry the server's URL as issuer: fix the port before signing anyone in.
  const port = await freePort();
  const fixture = await prepareDrill("drill_restart", {
    spotify: sandbox.spotifySettings,
    listenerCount: ANALYSES_BEFORE + ANALYSES_AFTER,
    settings: {
      WORKER_LEASE_SECONDS: String(LEASE_SECONDS),
      WORKER_CONCURRENCY: "4",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  });
  const before = fixture.listeners.slice(0, ANALYSES_BEFORE);
  const after = fixture.listeners.slice(ANALYSES_BEFORE);
  try {
    const server = await startServerProcess({ name: "restart-server", settings: fixture.settings, port });
    const worker = await startWorkerProcess({ name: "restart-worker", settings: { ...fixture.settings } });
    const ids = await beginAnalyses(fixture, before);
    const watcher = before[0];
    if (!watcher) throw new Error("no listener");
    const client = createBenchClient(server.url, watcher.accessToken);
    const probing = startProbing(() => client.analysis.status.query());
    await delay(1_500);

    const stoppedAt = Date.now();
    controlPostgresCluster("stop");
    const stopReturnedAt = Date.now();
    await delay(OUTAGE_MS);
    controlPostgresCluster("start");
    const startedAt = Date.now();

    let recoveredAt: number | undefined;
    while (Date.now() - startedAt < 60_000) {
      const last = probing.probes.at(-1);
      if (last && last.at > startedAt && last.outcome === "ok") {
        recoveredAt = last.at;
        break;
      }
      await delay(50);
    }
    await delay(500);
    await probing.stop();

    // New work after the restart, through the API: the server writes, the worker hears about it.
    const afterIds = await mapConcurrently(after, 8, async (listener) => {
      const status = await createBenchClient(server.url, listener.accessToken).analysis.begin.mutate();
      return status.analysisId;
    });
    const allIds = [...ids, ...afterIds];
    let finishedInTime = true;
    try {
      await waitForAnalysesFinished(fixture.database.sql, allIds, 180_000, 250);
    } catch {
      finishedInTime = false;
    }
    const summary = await summarizeAnalyses(fixture.database.sql, allIds);
    const outageProbes = probing.probes.filter(
      (probe) => probe.at >= stoppedAt && (recoveredAt === undefined || probe.at < recoveredAt),
    );
    const failures = outageProbes.filter((probe) => probe.outcome !== "ok");
    const failureKinds: Record<string, number> = {};
    for (const probe of failures) failureKinds[probe.outcome] = (failureKinds[probe.outcome] ?? 0) + 1;
    const clearErrors =
      failures.length > 0 && failures.every((probe) => probe.outcome.startsWith("SERVICE_UNAVAILABLE"));
    const processesAlive = !server.process.hasExited() && !worker.hasExited();
    const allCompleted = (summary.byStatus.completed ?? 0) === allIds.length;
    const passed =
      clearErrors && recoveredAt !== undefined && processesAlive && allCompleted && finishedInTime;
    return {
      name: "postgres-restart",
      description: `PostgreSQL stopped for ${OUTAGE_MS / 1000} s and started again while the server and a worker run (${ANALYSES_BEFORE} analyses in progress, sandbox ${SANDBOX_LATENCY_MS} ms, WORKER_LEASE_SECONDS=${LEASE_SECONDS})`,
      passed,
      figures: [
        `pg_ctlcluster stop took ${seconds(stopReturnedAt - stoppedAt)}; down ${seconds(startedAt - stopReturnedAt)}; analysis.status probed every 100 ms`,
        `what a client saw during the outage (${outageProbes.length} calls): ${describeCounts(failureKinds)}${failures.length < outageProbes.length ? `, ${outageProbes.length - failures.length} ok` : ""}; a failed call took ${Math.round(median(failures.map((probe) => probe.durationMs)))} ms (median), the longest call ${Math.max(0, ...outageProbes.map((probe) => probe.durationMs))} ms`,
        recoveredAt === undefined
          ? "the server did NOT answer analysis.status again within 60 s of the restart"
          : `first successful analysis.status ${seconds(recoveredAt - startedAt)} after PostgreSQL was started again`,
        `server and worker processes still running, never restarted: ${processesAlive ? "yes" : "NO"}`,
        `worker log: ${describeCounts(outcomesIn(worker.log()))} ("retrying" = an analysis interrupted by the outage, put back in the queue once the database answered again; "lost" would be one whose failure could not be recorded at all, claimed again when its lease runs out)`,
        `analyses: ${describeCounts(summary.byStatus)} of ${allIds.length} (${ANALYSES_BEFORE} begun before the outage, ${ANALYSES_AFTER} through the API after it); attempts beyond the first: ${summary.extraAttempts}; last completed ${summary.lastCompletedAt ? seconds(summary.lastCompletedAt.getTime() - startedAt) : "never"} after the restart${finishedInTime ? "" : " (NOT all finished within 180 s)"}`,
      ],
    };
  } finally {
    ensurePostgresRunning();
    await fixture.inProcess.close();
  }
}

export const postgresRestartDrill: Drill = {
  name: "postgres-restart",
  description:
    "restart PostgreSQL under load: clear errors during the outage, recovery without restarts, nothing lost",
  run,
};

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type UnwrappedEnvironment, unwrappedSettings } from "../environment.js";
import { createBenchDatabase } from "../postgres.js";
import { RUN_DIRECTORY } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { sandboxAccessToken, signInOverHttp } from "../sign-in.js";
import { median, percentile } from "../stats.js";
import { formatMs, formatNumber, type ScenarioReport, type TargetCheck } from "../tables.js";
import { createBenchClient } from "../trpc-client.js";
import { startServerProcess, startWorkerProcess } from "../unwrapped.js";
import { waitForTerminalStatus } from "../watch-status.js";

const SANDBOX_LATENCY_MS = 100;
const SANDBOX_SAMPLES = 20;
const WARMUP_ANALYSES = 3;

interface VariantResult {
  readonly name: string;
  readonly sandboxRequestMs: number;
  readonly clientMs: number[];
  /** completedAt - createdAt of each analysis, by the server's clock. */
  readonly serverMs: number[];
}

/** Times one sandbox Web API request the way the collector makes it, sequentially, and takes the median. */
async function timeSandboxRequest(serverUrl: string): Promise<number> {
  const token = await sandboxAccessToken(`${serverUrl}/sandbox/spotify/accounts`, "seed:2");
  const url = `${serverUrl}/sandbox/spotify/api/v1/me/top/artists?time_range=medium_term&limit=50`;
  const timings: number[] = [];
  for (let index = 0; index < SANDBOX_SAMPLES; index++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`the sandbox answered ${response.status}`);
    timings.push(performance.now() - started);
  }
  return median(timings);
}

async function measureVariant(
  name: string,
  settings: UnwrappedEnvironment,
  options: { externalWorker: boolean; runs: number },
): Promise<VariantResult> {
  const server = await startServerProcess({ name: `verdict-${name}-server`, settings });
  if (options.externalWorker) {
    await startWorkerProcess({ name: `verdict-${name}-worker`, settings: server.settings });
  }
  const listener = await signInOverHttp(server.url, "seed:1");
  const client = createBenchClient(server.url, listener.accessToken);
  const sandboxRequestMs = await timeSandboxRequest(server.url);
  const clientMs: number[] = [];
  const serverMs: number[] = [];
  for (let index = 0; index < WARMUP_ANALYSES + options.runs; index++) {
    const started = performance.now();
    const begun = await client.analysis.begin.mutate({ fresh: true });
    const { status, receivedAt } = await waitForTerminalStatus(client, begun.analysisId);
    if (status.status !== "completed") {
      throw new Error(`analysis ${status.analysisId} ended ${status.status}: ${status.error?.message}`);
    }
    if (index < WARMUP_ANALYSES) continue;
    clientMs.push(receivedAt - started);
    serverMs.push((status.completedAt?.getTime() ?? Number.NaN) - status.createdAt.getTime());
  }
  await server.process.stop();
  return { name, sandboxRequestMs, clientMs, serverMs };
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const runs = options.quick ? 10 : 50;
  const common = unwrappedSettings({
    SANDBOX_LATENCY_MS: String(SANDBOX_LATENCY_MS),
    FRESH_ANALYSIS_COOLDOWN_SECONDS: "0",
  });
  const variants: VariantResult[] = [];
  // The server does not create DATA_DIR itself when JWT_SECRET and TOKEN_ENCRYPTION_KEY are given.
  const dataDirectory = join(RUN_DIRECTORY, "verdict-pglite-data");
  mkdirSync(dataDirectory, { recursive: true });
  variants.push(
    await measureVariant("pglite", { ...common, DATA_DIR: dataDirectory }, { externalWorker: false, runs }),
  );
  const database = await createBenchDatabase("verdict");
  variants.push(
    await measureVariant(
      "postgres",
      { ...common, DATABASE_URL: database.url, WORKER: "external", MIGRATE: "off" },
      { externalWorker: true, runs },
    ),
  );

  const labels: Record<string, string> = {
    pglite: "PGlite, inline worker (`pnpm start` defaults)",
    postgres: "PostgreSQL, one `pnpm worker` process",
  };
  const targets: TargetCheck[] = [];
  const rows = variants.map((variant) => {
    const p50 = percentile(variant.clientMs, 50);
    const limit = 1.5 * variant.sandboxRequestMs + 100;
    targets.push({
      name: `verdict latency p50 (${variant.name})`,
      target: `<= 1.5 x one sandbox request + 100 ms = ${formatMs(limit, 0)}`,
      measured: `${formatMs(p50, 0)} (${formatNumber(p50 / variant.sandboxRequestMs, 2)} x one sandbox request)`,
      met: p50 <= limit,
    });
    return [
      labels[variant.name] ?? variant.name,
      formatMs(variant.sandboxRequestMs, 0),
      formatMs(p50, 0),
      formatMs(percentile(variant.clientMs, 95), 0),
      formatMs(percentile(variant.serverMs, 50), 0),
      formatMs(percentile(variant.serverMs, 95), 0),
      formatNumber(p50 / variant.sandboxRequestMs, 2),
      formatMs(limit, 0),
    ];
  });
  return {
    title: "(b) verdict latency: analysis.begin -> completed",
    command: commandFor("verdict", options),
    table: {
      headers: [
        "setup",
        "one sandbox request",
        "client p50",
        "client p95",
        "server p50",
        "server p95",
        "p50 / sandbox request",
        "target p50",
      ],
      rows,
    },
    notes: [
      `${runs} analyses one after another per setup (after ${WARMUP_ANALYSES} unmeasured), each \`analysis.begin({ fresh: true })\` with FRESH_ANALYSIS_COOLDOWN_SECONDS=0, the rules judge, SANDBOX_LATENCY_MS=${SANDBOX_LATENCY_MS} (the sandbox mounted in the server, demo mode).`,
      "client: from calling begin to the completed status arriving through `analysis.watch` (SSE, opened right after begin returns; the first event is the current status, so nothing is missed). server: completedAt - createdAt of the row.",
      `one sandbox request: median of ${SANDBOX_SAMPLES} sequential GET /sandbox/spotify/api/v1/me/top/artists?time_range=medium_term&limit=50 from the bench with a sandbox token.`,
    ],
    targets,
  };
}

export const verdictScenario: Scenario = {
  name: "verdict",
  description: "(b) begin -> completed with the sandbox 100 ms slow, PGlite inline and PostgreSQL + worker",
  run,
};

import autocannon from "autocannon";
import { unwrappedSettings } from "../environment.js";
import { createBenchDatabase } from "../postgres.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { formatInteger, formatMs, formatNumber, type ScenarioReport } from "../tables.js";
import { startServerProcess } from "../unwrapped.js";

/** Clients flooding the rate-limited procedure, each from its own address (X-Forwarded-For, TRUST_PROXY=on). */
const FLOODERS = 4;
/** Connections per flooding client, from the command line's FLOOD_CONNECTIONS (default 1: one client, one connection). */
const FLOOD_CONNECTIONS_EACH = Number(process.env.FLOOD_CONNECTIONS ?? "1") || 1;
/** The health probe: a few connections, as a load balancer and an orchestrator would poll. */
const PROBE_CONNECTIONS = 2;

interface ProbeResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly requests: number;
  readonly failures: number;
}

function probe(url: string, seconds: number): Promise<ProbeResult> {
  return autocannon({ url, connections: PROBE_CONNECTIONS, duration: seconds }).then((result) => ({
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  }));
}

function flood(serverUrl: string, address: string, seconds: number) {
  return autocannon({
    url: `${serverUrl}/trpc/auth.exchange`,
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ json: { code: "not-a-real-login-code" } }),
    connections: FLOOD_CONNECTIONS_EACH,
    duration: seconds,
    // Each flooder in its own worker thread, so the probe's event loop does not queue behind them.
    workers: 1,
  }).then((result) => ({
    requests: result.requests.total,
    tooMany: result.statusCodeStats?.["429"]?.count ?? 0,
    other: result.requests.total - (result.statusCodeStats?.["429"]?.count ?? 0),
  }));
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const seconds = options.quick ? 4 : 10;
  const database = await createBenchDatabase("flood");
  const server = await startServerProcess({
    name: "flood-server",
    settings: unwrappedSettings({
      DATABASE_URL: database.url,
      WORKER: "external",
      MIGRATE: "off",
      TRUST_PROXY: "on",
      // The defaults of a real deployment for the flooded procedure.
      RATE_LIMIT_AUTH_BURST: "",
      RATE_LIMIT_AUTH_PER_MINUTE: "",
    }),
  });
  const health = `${server.url}/healthz`;
  const ready = `${server.url}/readyz`;

  // Baselines in the same run, without the flood.
  const quietHealth = await probe(health, seconds);
  const quietReady = await probe(ready, seconds);

  const flooding = Array.from({ length: FLOODERS }, (_, index) =>
    flood(server.url, `203.0.113.${index + 1}`, seconds * 2 + 1),
  );
  const floodedHealth = await probe(health, seconds);
  const floodedReady = await probe(ready, seconds);
  const flooded = await Promise.all(flooding);
  const floodRequests = flooded.reduce((total, one) => total + one.requests, 0);
  const refused = flooded.reduce((total, one) => total + one.tooMany, 0);
  const admitted = flooded.reduce((total, one) => total + one.other, 0);

  const row = (name: string, result: ProbeResult, baseline: ProbeResult | null) => [
    name,
    formatInteger(result.requests),
    formatMs(result.p50Ms, 1),
    formatMs(result.p99Ms, 1),
    formatMs(result.maxMs, 1),
    baseline ? formatNumber(result.p99Ms / Math.max(baseline.p99Ms, 0.5), 1) : "1.0",
    formatInteger(result.failures),
  ];
  return {
    title: "(i10) flood: /healthz and /readyz while 4 clients flood auth.exchange",
    command: commandFor("flood", options),
    table: {
      headers: ["probe", "requests", "p50", "p99", "max", "p99 / quiet p99", "failures"],
      rows: [
        row("/healthz, quiet", quietHealth, null),
        row(`/healthz, ${FLOODERS} clients flooding`, floodedHealth, quietHealth),
        row("/readyz, quiet", quietReady, null),
        row(`/readyz, ${FLOODERS} clients flooding`, floodedReady, quietReady),
      ],
    },
    notes: [
      `Flood: ${FLOODERS} autocannon clients (each in its own worker thread) x ${FLOOD_CONNECTIONS_EACH} connection(s) (FLOOD_CONNECTIONS) POSTing auth.exchange as fast as answers come, each with its own X-Forwarded-For address (server TRUST_PROXY=on, default RATE_LIMIT_AUTH_*: burst 20, 60/min): ${formatInteger(floodRequests)} requests, ${formatInteger(refused)} answered 429, ${formatInteger(admitted)} admitted (401, a wrong code).`,
      `Probes: autocannon, ${PROBE_CONNECTIONS} connections, ${seconds} s each, run one after the other; quiet first, then during the flood. One server process (PostgreSQL, WORKER=external, LOG_LEVEL=warn).`,
      "The flooders and the probe run in the bench's own process (one event loop), on the same 2 shared cores as the server and PostgreSQL: the probe's latency includes its own queueing.",
    ],
    targets: [
      {
        name: `/healthz p99 while ${FLOODERS} clients flood`,
        target: "< 50 ms",
        measured: formatMs(floodedHealth.p99Ms, 1),
        met: floodedHealth.p99Ms < 50 && floodedHealth.failures === 0,
      },
    ],
  };
}

export const floodScenario: Scenario = {
  name: "flood",
  description: "(i10) p99 of /healthz and /readyz while 4 clients flood a rate-limited procedure",
  run,
};

import { waitUntil } from "../concurrency.js";
import { processEnvironment, unwrappedSettings } from "../environment.js";
import { type LoadSample, type LoadTarget, medianSample, runLoad } from "../load.js";
import { type BenchDatabase, createBenchDatabase, postgresPids } from "../postgres.js";
import { CpuMeter, freePort, type ManagedProcess, startProcess, waitForHttpOk } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { type SignedInListener, signInOverHttp } from "../sign-in.js";
import { formatInteger, formatMs, formatNumber, type ScenarioReport } from "../tables.js";
import { createBenchClient } from "../trpc-client.js";
import { openServices, type RunningServerProcess, startServerProcess } from "../unwrapped.js";

const CONNECTIONS = 50;

interface StatusSettings {
  readonly warmupSeconds: number;
  readonly runSeconds: number;
  readonly runs: number;
}

function settingsFor(options: BenchOptions): StatusSettings {
  return options.quick
    ? { warmupSeconds: 1, runSeconds: 3, runs: 3 }
    : { warmupSeconds: 3, runSeconds: 10, runs: 3 };
}

/** Everything scenario (a) needs: a migrated database, the server, one listener with a completed analysis. */
export interface StatusFixture {
  readonly database: BenchDatabase;
  readonly server: RunningServerProcess;
  readonly listener: SignedInListener;
  readonly target: LoadTarget;
}

/**
 * Starts the unwrapped server on a bench database (PostgreSQL, no worker in the server), signs one
 * listener in over HTTP and runs one analysis to completion, so `analysis.status` reads a real,
 * completed row (with its stored profile and verdict).
 */
export async function prepareStatusFixture(nodeFlags: readonly string[] = []): Promise<StatusFixture> {
  const database = await createBenchDatabase("status");
  const server = await startServerProcess({
    name: "status-server",
    settings: unwrappedSettings({ DATABASE_URL: database.url, WORKER: "external", MIGRATE: "off" }),
    nodeFlags,
  });
  const listener = await signInOverHttp(server.url, "seed:1");
  const client = createBenchClient(server.url, listener.accessToken);
  await client.analysis.begin.mutate();
  const inProcess = await openServices(server.settings);
  const worker = inProcess.services.createWorker();
  await worker.start();
  try {
    await waitUntil(async () => (await client.analysis.status.query()).status === "completed", {
      timeoutMs: 60_000,
      what: "the status scenario's analysis to complete",
    });
  } finally {
    await worker.stop();
    await inProcess.close();
  }
  return {
    database,
    server,
    listener,
    target: {
      url: `${server.url}/trpc/analysis.status`,
      headers: { authorization: `Bearer ${listener.accessToken}` },
    },
  };
}

export async function startStatusBaseline(
  database: BenchDatabase,
): Promise<{ process: ManagedProcess; url: string }> {
  const port = await freePort();
  const baseline = startProcess({
    name: "status-baseline",
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      "bench/baseline/status-server.ts",
      "--port",
      String(port),
      "--database-url",
      database.url,
    ],
    env: processEnvironment({}),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttpOk(`${url}/healthz`, { process: baseline });
  return { process: baseline, url };
}

async function bodyBytes(target: LoadTarget): Promise<number> {
  const response = await fetch(target.url, { headers: target.headers });
  const body = await response.arrayBuffer();
  if (response.status !== 200) {
    throw new Error(`${target.url} answered ${response.status}: ${Buffer.from(body).toString("utf8")}`);
  }
  return body.byteLength;
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const settings = settingsFor(options);
  const fixture = await prepareStatusFixture();
  const baseline = await startStatusBaseline(fixture.database);
  const baseTarget: LoadTarget = {
    url: `${baseline.url}/analysis/status`,
    headers: { "x-user-id": fixture.listener.userId },
  };
  // The same procedure over REST (issue 14): plain JSON, no superjson.
  const restTarget: LoadTarget = {
    url: `${fixture.server.url}/api/v1/analysis/status`,
    headers: fixture.target.headers,
  };
  const bodies = {
    base: await bodyBytes(baseTarget),
    unwrapped: await bodyBytes(fixture.target),
    rest: await bodyBytes(restTarget),
  };
  const profileBytes = Number(
    (
      await fixture.database.sql<{ bytes: number }[]>`
        select pg_column_size(profile) + coalesce(pg_column_size(description), 0) as bytes from analyses limit 1`
    )[0]?.bytes ?? 0,
  );

  const meters = {
    base: { server: new CpuMeter(() => [baseline.process.pid]), postgres: new CpuMeter(postgresPids) },
    unwrapped: {
      server: new CpuMeter(() => [fixture.server.process.pid]),
      postgres: new CpuMeter(postgresPids),
    },
    rest: { server: new CpuMeter(() => [fixture.server.process.pid]), postgres: new CpuMeter(postgresPids) },
  };
  const load = { connections: CONNECTIONS, durationSeconds: settings.runSeconds };
  const warmup = { connections: CONNECTIONS, durationSeconds: settings.warmupSeconds };
  await runLoad(baseTarget, warmup, meters.base);
  await runLoad(fixture.target, warmup, meters.unwrapped);
  await runLoad(restTarget, warmup, meters.rest);
  const samples: { base: LoadSample[]; unwrapped: LoadSample[]; rest: LoadSample[] } = {
    base: [],
    unwrapped: [],
    rest: [],
  };
  // Alternating runs, so that a noisy spell on the machine hits both sides alike.
  for (let index = 0; index < settings.runs; index++) {
    samples.base.push(await runLoad(baseTarget, load, meters.base));
    samples.unwrapped.push(await runLoad(fixture.target, load, meters.unwrapped));
    samples.rest.push(await runLoad(restTarget, load, meters.rest));
  }
  const base = medianSample(samples.base);
  const unwrapped = medianSample(samples.unwrapped);
  const rest = medianSample(samples.rest);
  const ratio = unwrapped.requestsPerSecond / base.requestsPerSecond;
  const p99Ratio = unwrapped.p99Ms / base.p99Ms;

  const row = (name: string, sample: LoadSample, body: number, ratioText: string) => [
    name,
    formatInteger(sample.requestsPerSecond),
    formatMs(sample.p50Ms, 0),
    formatMs(sample.p99Ms, 0),
    formatInteger(sample.serverCpuMicroseconds),
    formatInteger(sample.postgresCpuMicroseconds),
    `${body} B`,
    formatInteger(sample.failures),
    ratioText,
  ];
  return {
    title: "(a) status: analysis.status over HTTP vs BASE",
    command: commandFor("status", options),
    table: {
      headers: [
        "target",
        "req/s",
        "p50",
        "p99",
        "server CPU µs/req",
        "PostgreSQL CPU µs/req",
        "body",
        "failed",
        "ratio to BASE",
      ],
      rows: [
        row("BASE: express 5 + postgres.js, no tRPC/JWT", base, bodies.base, "1.00"),
        row(
          "unwrapped: analysis.status (tRPC + JWT + drizzle)",
          unwrapped,
          bodies.unwrapped,
          formatNumber(ratio, 2),
        ),
        row(
          "unwrapped REST: GET /api/v1/analysis/status (same procedure, plain JSON)",
          rest,
          bodies.rest,
          `${formatNumber(rest.requestsPerSecond / base.requestsPerSecond, 2)} (${formatNumber(rest.requestsPerSecond / unwrapped.requestsPerSecond, 2)} x tRPC)`,
        ),
      ],
    },
    notes: [
      `autocannon -c ${CONNECTIONS}, median of ${settings.runs} runs of ${settings.runSeconds} s per target (runs alternate between the targets), after a ${settings.warmupSeconds} s warm-up each; load generator in the bench process on the same 2 cores.`,
      "Both on PostgreSQL (a bench database migrated with the repository's migrations), both with a pool of 10 connections; the row is a completed analysis of a signed-in seed listener.",
      `unwrapped: \`node apps/server/dist/main.js\` (the build; BASE runs from its source under tsx, whose loader costs only at start-up) with LOG_LEVEL=warn, WORKER=external, demo mode; GET /trpc/analysis.status with a real access token. The row's profile and description take ${profileBytes} B in PostgreSQL; the server's SELECT reads every column, BASE only the status columns.`,
      "CPU µs/req: utime+stime from /proc of the server process (PostgreSQL: of all its processes) over the run, divided by the 2xx responses.",
    ],
    targets: [
      {
        name: "status throughput",
        target: "ratio to BASE >= 0.5",
        measured: formatNumber(ratio, 2),
        met: ratio >= 0.5,
      },
      {
        name: "status p99",
        target: "p99 <= 2 x BASE p99",
        measured: `${formatMs(unwrapped.p99Ms, 0)} = ${formatNumber(p99Ratio, 2)} x BASE (${formatMs(base.p99Ms, 0)})`,
        met: p99Ratio <= 2,
      },
      ...(unwrapped.failures + base.failures + rest.failures > 0
        ? [
            {
              name: "no failed requests",
              target: "0",
              measured: formatInteger(unwrapped.failures + base.failures + rest.failures),
              met: false,
            },
          ]
        : []),
    ],
  };
}

export const statusScenario: Scenario = {
  name: "status",
  description: "(a) analysis.status over HTTP against a bare express + postgres.js route (BASE)",
  run,
};

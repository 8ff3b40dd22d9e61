import { unwrappedSettings } from "../environment.js";
import { type LoadSample, medianSample, runLoad } from "../load.js";
import { createBenchDatabase, postgresPids } from "../postgres.js";
import { CpuMeter } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { seedPersonas, signInListeners } from "../sign-in.js";
import { formatInteger, formatMs, formatNumber, type ScenarioReport } from "../tables.js";
import { openServices, startSandboxProcess } from "../unwrapped.js";
import { type DrainRound, drainRound } from "./drain.js";
import { prepareStatusFixture } from "./status.js";

const CONNECTIONS = 50;

/** Scrapes `url` once a second until stopped; counts the scrapes and their failures. */
function scrapeEverySecond(url: string) {
  let scrapes = 0;
  let failures = 0;
  const timer = setInterval(() => {
    fetch(url)
      .then(async (response) => {
        await response.text();
        if (response.status === 200) scrapes++;
        else failures++;
      })
      .catch(() => failures++);
  }, 1_000);
  return {
    stop: () => {
      clearInterval(timer);
      return { scrapes, failures };
    },
  };
}

/** The cost of /metrics: analysis.status under load, with and without a Prometheus scrape every second. */
async function runMetricsCost(options: BenchOptions): Promise<ScenarioReport> {
  const settings = options.quick
    ? { warmupSeconds: 1, runSeconds: 3, runs: 3 }
    : { warmupSeconds: 3, runSeconds: 10, runs: 3 };
  const fixture = await prepareStatusFixture();
  const meters = {
    server: new CpuMeter(() => [fixture.server.process.pid]),
    postgres: new CpuMeter(postgresPids),
  };
  const load = { connections: CONNECTIONS, durationSeconds: settings.runSeconds };
  await runLoad(
    fixture.target,
    { connections: CONNECTIONS, durationSeconds: settings.warmupSeconds },
    meters,
  );
  const samples: { without: LoadSample[]; with: LoadSample[] } = { without: [], with: [] };
  let scrapes = 0;
  let scrapeFailures = 0;
  for (let index = 0; index < settings.runs; index++) {
    samples.without.push(await runLoad(fixture.target, load, meters));
    const scraper = scrapeEverySecond(`${fixture.server.url}/metrics`);
    samples.with.push(await runLoad(fixture.target, load, meters));
    const counted = scraper.stop();
    scrapes += counted.scrapes;
    scrapeFailures += counted.failures;
  }
  const without = medianSample(samples.without);
  const withScrapes = medianSample(samples.with);
  const ratio = withScrapes.requestsPerSecond / without.requestsPerSecond;
  const row = (name: string, sample: LoadSample, ratioText: string) => [
    name,
    formatInteger(sample.requestsPerSecond),
    formatMs(sample.p50Ms, 0),
    formatMs(sample.p99Ms, 0),
    formatInteger(sample.serverCpuMicroseconds),
    formatInteger(sample.failures),
    ratioText,
  ];
  return {
    title: "metrics: analysis.status with and without GET /metrics every second",
    command: commandFor("metrics", options),
    table: {
      headers: ["run", "req/s", "p50", "p99", "server CPU µs/req", "failed", "ratio to no scraping"],
      rows: [
        row("no scraping", without, "1.00"),
        row("GET /metrics every 1 s", withScrapes, formatNumber(ratio, 2)),
      ],
    },
    notes: [
      `autocannon -c ${CONNECTIONS} on GET /trpc/analysis.status (the status scenario's server and row), median of ${settings.runs} runs of ${settings.runSeconds} s each way, alternating; ${scrapes} scrapes answered, ${scrapeFailures} failed.`,
      "A scrape renders every metric; the queue's gauges cost one grouped count over active analyses at most every 5 s.",
    ],
    targets: [
      { name: "metrics cost", target: "ratio >= 0.95", measured: formatNumber(ratio, 2), met: ratio >= 0.95 },
    ],
  };
}

export const metricsScenario: Scenario = {
  name: "metrics",
  description: "the cost of /metrics: the status scenario with and without a scrape every second",
  run: runMetricsCost,
};

/** Web API requests per analysis: top artists and top tracks for three ranges, and recent plays. */
const REQUESTS_PER_ANALYSIS = 7;

/** The drain scenario's two workers with SPOTIFY_MAX_RPS shared by both, against the same without it. */
async function runBudget(options: BenchOptions): Promise<ScenarioReport> {
  const analyses = options.quick ? 60 : 240;
  // Well below what two workers manage uncapped here (about 10 analyses/s = 70 requests/s on two busy
  // cores), so the cap, not the machine, is what limits the capped round.
  const maxRps = 28;
  const database = await createBenchDatabase("budget");
  const sandbox = await startSandboxProcess({ name: "budget-sandbox", latencyMs: 0 });
  const base = unwrappedSettings({
    DATABASE_URL: database.url,
    WORKER: "external",
    MIGRATE: "off",
    FRESH_ANALYSIS_COOLDOWN_SECONDS: "0",
    ...sandbox.spotifySettings,
  });
  const inProcess = await openServices(base);
  const rounds: { cap: number | null; round: DrainRound }[] = [];
  try {
    const listeners = await signInListeners(inProcess.services, seedPersonas(analyses, 1), 16);
    for (const cap of [null, maxRps]) {
      const settings = cap === null ? base : { ...base, SPOTIFY_MAX_RPS: String(cap) };
      const round = await drainRound(
        database,
        inProcess.services,
        listeners,
        { workers: 2, concurrency: 4 },
        settings,
        sandbox.process,
        0,
      );
      rounds.push({ cap, round });
    }
  } finally {
    await inProcess.close();
    await sandbox.process.stop();
    await database.drop();
  }
  const capped = rounds[1];
  const expected = maxRps / REQUESTS_PER_ANALYSIS;
  const ratio = (capped?.round.perSecond ?? 0) / expected;
  return {
    title: "budget: two workers draining with SPOTIFY_MAX_RPS shared by both",
    command: commandFor("budget", options),
    table: {
      headers: [
        "SPOTIFY_MAX_RPS",
        "analyses",
        "drain time",
        "analyses/s",
        "cap / 7 requests",
        "ratio",
        "not completed",
      ],
      rows: rounds.map(({ cap, round }) => [
        cap === null ? "unset" : String(cap),
        formatInteger(round.analyses),
        `${formatNumber(round.drainSeconds, 1)} s`,
        formatNumber(round.perSecond, 1),
        cap === null ? "-" : formatNumber(cap / REQUESTS_PER_ANALYSIS, 1),
        cap === null ? "-" : formatNumber(round.perSecond / (cap / REQUESTS_PER_ANALYSIS), 2),
        formatInteger(round.notCompleted),
      ]),
    },
    notes: [
      "Two worker processes (concurrency 4 each) on PostgreSQL against a sandbox process at 0 ms latency, as in the drain scenario; the same listeners drain twice, without and with the cap.",
      `An analysis makes ${REQUESTS_PER_ANALYSIS} Web API requests, so the cap allows at most cap/${REQUESTS_PER_ANALYSIS} analyses/s for the deployment; ratio = measured / that.`,
    ],
    targets: [
      {
        name: "shared rate",
        target: "capped analyses/s within 10 % of cap/7, never above",
        measured: formatNumber(ratio, 2),
        met: ratio >= 0.9 && ratio <= 1.02,
      },
    ],
  };
}

export const budgetScenario: Scenario = {
  name: "budget",
  description: "the drain scenario with the shared Spotify budget on (analyses/s against SPOTIFY_MAX_RPS)",
  run: runBudget,
};

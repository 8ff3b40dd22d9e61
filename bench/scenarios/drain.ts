import type { Services } from "@unwrapped/services";
import { countFinished, describeCounts, summarizeAnalyses } from "../analysis-rows.js";
import { mapConcurrently, waitUntil } from "../concurrency.js";
import { unwrappedSettings } from "../environment.js";
import { type BenchDatabase, createBenchDatabase, postgresPids } from "../postgres.js";
import { CpuMeter, MachineCpuMeter, type ManagedProcess } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { type SignedInListener, seedPersonas, signInListeners } from "../sign-in.js";
import { formatInteger, formatNumber, type ScenarioReport } from "../tables.js";
import { openServices, startSandboxProcess, startWorkerProcess } from "../unwrapped.js";
import { countCompletions } from "../worker-logs.js";

const WORKER_CONCURRENCY = 4;

interface CpuUse {
  readonly workers: number;
  readonly sandbox: number;
  readonly postgres: number;
  /** The bench process itself (it polls the table every 100 ms). */
  readonly bench: number;
  /** Every process on the machine. */
  readonly machine: number;
}

export interface RoundShape {
  readonly workers: number;
  readonly concurrency: number;
}

/**
 * One worker, two workers (the target), and one worker with the concurrency of the two together, to tell a
 * limit of one process from a limit of the machine.
 */
const ROUNDS: readonly RoundShape[] = [
  { workers: 1, concurrency: WORKER_CONCURRENCY },
  { workers: 2, concurrency: WORKER_CONCURRENCY },
  { workers: 1, concurrency: 2 * WORKER_CONCURRENCY },
];

/**
 * The target's setup (a sandbox at 0 ms, where every analysis is pure CPU and the two cores are the
 * limit), and a second phase with 100 ms of Spotify latency, where one worker is bound by waiting and
 * the machine has room: there the scaling of the queue itself shows.
 */
const PHASES: readonly { readonly latencyMs: number; readonly rounds: readonly RoundShape[] }[] = [
  { latencyMs: 0, rounds: ROUNDS },
  { latencyMs: 100, rounds: ROUNDS.slice(0, 2) },
];

export interface DrainRound {
  readonly latencyMs: number;
  readonly workers: number;
  readonly concurrency: number;
  readonly analyses: number;
  readonly drainSeconds: number;
  readonly perSecond: number;
  readonly completedMoreThanOnce: number;
  readonly completedLines: number;
  readonly notCompleted: number;
  readonly extraAttempts: number;
  readonly otherOutcomes: string;
  /** CPU used from the release of the workers until the bench saw the last analysis finish. */
  readonly cpuMicroseconds: CpuUse;
  readonly measuredSeconds: number;
}

/**
 * One round: `analyses` pending analyses, created before the workers start; the workers start behind a
 * table lock held by the bench, so all of them begin claiming at the same moment when it is released.
 * Timed from that moment to the last completed_at.
 */
export async function drainRound(
  database: BenchDatabase,
  services: Services,
  listeners: readonly SignedInListener[],
  shape: RoundShape,
  baseSettings: ReturnType<typeof unwrappedSettings>,
  sandboxProcess: ManagedProcess,
  latencyMs: number,
): Promise<DrainRound> {
  const begun = await mapConcurrently(listeners, 16, (listener) =>
    services.analyses.begin(listener.userId, { fresh: true }),
  );
  const ids = begun.map((status) => status.analysisId);
  const pendingCount = begun.filter((status) => status.status === "pending").length;
  if (pendingCount !== ids.length)
    throw new Error(`only ${pendingCount} of ${ids.length} analyses are pending`);

  const gate = await database.sql.reserve();
  const workers: ManagedProcess[] = [];
  try {
    await gate`begin`;
    await gate`lock table analyses in exclusive mode`;
    const settings = { ...baseSettings, WORKER_CONCURRENCY: String(shape.concurrency) };
    for (let index = 0; index < shape.workers; index++) {
      workers.push(
        await startWorkerProcess({
          name: `drain-${shape.workers}x${shape.concurrency}-worker-${index + 1}`,
          settings,
        }),
      );
    }
  } catch (error) {
    await gate`rollback`.catch(() => {});
    gate.release();
    throw error;
  }
  const meters = {
    workers: new CpuMeter(() => workers.map((worker) => worker.pid)),
    sandbox: new CpuMeter(() => [sandboxProcess.pid]),
    postgres: new CpuMeter(postgresPids),
    bench: new CpuMeter(() => [process.pid]),
    machine: new MachineCpuMeter(),
  };
  for (const meter of Object.values(meters)) meter.start();
  const releasedAt = Date.now();
  await gate`commit`;
  gate.release();
  await waitUntil(async () => (await countFinished(database.sql, ids)) === ids.length, {
    timeoutMs: 15 * 60_000,
    intervalMs: 100,
    what: `${ids.length} analyses to drain`,
  });
  const measuredSeconds = (Date.now() - releasedAt) / 1000;
  const cpuMicroseconds: CpuUse = {
    workers: meters.workers.stop(),
    sandbox: meters.sandbox.stop(),
    postgres: meters.postgres.stop(),
    bench: meters.bench.stop(),
    machine: meters.machine.stop(),
  };
  for (const worker of workers) await worker.stop();

  const summary = await summarizeAnalyses(database.sql, ids);
  const drainSeconds = ((summary.lastCompletedAt?.getTime() ?? Number.NaN) - releasedAt) / 1000;
  const completions = countCompletions(
    workers.map((worker) => worker.log()),
    new Set(ids),
  );
  return {
    latencyMs,
    workers: shape.workers,
    concurrency: shape.concurrency,
    analyses: ids.length,
    drainSeconds,
    perSecond: ids.length / drainSeconds,
    completedMoreThanOnce: completions.completedMoreThanOnce,
    completedLines: completions.completedLines,
    notCompleted: ids.length - (summary.byStatus.completed ?? 0),
    extraAttempts: summary.extraAttempts,
    otherOutcomes: describeCounts(completions.otherOutcomes),
    cpuMicroseconds,
    measuredSeconds,
  };
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const analyses = options.quick ? 200 : 2000;
  const database = await createBenchDatabase("drain");
  const rounds: DrainRound[] = [];
  const signInSeconds: number[] = [];
  try {
    for (const [index, phase] of PHASES.entries()) {
      // Each phase has a sandbox process of its own (its latency is fixed at start), and listeners
      // signed in to it: seed:1.. in the first phase, the next thousands in the second.
      const sandbox = await startSandboxProcess({
        name: `drain-sandbox-${phase.latencyMs}ms`,
        latencyMs: phase.latencyMs,
      });
      const settings = unwrappedSettings({
        DATABASE_URL: database.url,
        WORKER: "external",
        MIGRATE: "off",
        FRESH_ANALYSIS_COOLDOWN_SECONDS: "0",
        ...sandbox.spotifySettings,
      });
      const inProcess = await openServices(settings);
      try {
        const signInStarted = Date.now();
        const listeners = await signInListeners(
          inProcess.services,
          seedPersonas(analyses, 1 + index * analyses),
          16,
        );
        signInSeconds.push((Date.now() - signInStarted) / 1000);
        for (const shape of phase.rounds) {
          rounds.push(
            await drainRound(
              database,
              inProcess.services,
              listeners,
              shape,
              settings,
              sandbox.process,
              phase.latencyMs,
            ),
          );
        }
      } finally {
        await inProcess.close();
        await sandbox.process.stop();
      }
    }
  } finally {
    await database.drop();
  }
  const [one, two, oneWide, slowOne, slowTwo] = rounds as [
    DrainRound,
    DrainRound,
    DrainRound,
    DrainRound,
    DrainRound,
  ];
  const scaling = two.perSecond / one.perSecond;
  const slowScaling = slowTwo.perSecond / slowOne.perSecond;
  const duplicates = rounds.reduce((total, round) => total + round.completedMoreThanOnce, 0);
  const notCompleted = rounds.reduce((total, round) => total + round.notCompleted, 0);
  /** CPU as a share of one core over the measured time (100 % = one core busy throughout). */
  const percent = (round: DrainRound, part: keyof CpuUse) =>
    `${Math.round((round.cpuMicroseconds[part] / (round.measuredSeconds * 1_000_000)) * 100)} %`;
  const perAnalysisMs = (round: DrainRound, part: keyof CpuUse) =>
    formatNumber(round.cpuMicroseconds[part] / 1000 / round.analyses, 1);
  return {
    title: "(c) queue drain: pending analyses worked off by worker processes",
    command: commandFor("drain", options),
    table: {
      headers: [
        "Spotify latency",
        "worker processes",
        "analyses",
        "drain time",
        "analyses/s",
        "completed > once",
        "not completed",
        "extra attempts",
        "CPU workers",
        "CPU sandbox",
        "CPU PostgreSQL",
        "CPU bench",
        "CPU machine (of 200 %)",
        "CPU ms per analysis: workers / sandbox / PostgreSQL",
      ],
      rows: rounds.map((round) => [
        `${round.latencyMs} ms`,
        `${round.workers} x concurrency ${round.concurrency}`,
        formatInteger(round.analyses),
        `${formatNumber(round.drainSeconds, 1)} s`,
        formatNumber(round.perSecond, 1),
        formatInteger(round.completedMoreThanOnce),
        formatInteger(round.notCompleted),
        formatInteger(round.extraAttempts),
        percent(round, "workers"),
        percent(round, "sandbox"),
        percent(round, "postgres"),
        percent(round, "bench"),
        percent(round, "machine"),
        (["workers", "sandbox", "postgres"] as const).map((part) => perAnalysisMs(round, part)).join(" / "),
      ]),
    },
    notes: [
      `Scaling two/one at 0 ms (the target's setup): ${formatNumber(scaling, 2)}; one worker with concurrency ${oneWide.concurrency} (as many analyses in flight as two workers): ${formatNumber(oneWide.perSecond / one.perSecond, 2)} x one. At 100 ms of Spotify latency: two/one ${formatNumber(slowScaling, 2)}.`,
      `Seed listeners seed:1..seed:${analyses} (0 ms phase) and seed:${analyses + 1}..seed:${2 * analyses} (100 ms phase), signed in beforehand (${signInSeconds.map((seconds) => `${formatNumber(seconds, 1)} s`).join(", ")}, through SignInService in the bench process); each round creates one pending analysis per listener with AnalysisService.begin({ fresh: true }) before any worker runs.`,
      `Workers: \`node apps/worker/dist/main.js\` (what \`pnpm worker\` runs), WORKER_CONCURRENCY=${WORKER_CONCURRENCY} (the default; ${2 * WORKER_CONCURRENCY} in the last round), LOG_LEVEL=info. They start while the bench holds LOCK TABLE analyses IN EXCLUSIVE MODE, so every worker starts claiming at the moment the lock is released; drain time = last completed_at - that moment.`,
      "Spotify: a standalone sandbox process per phase, at 0 ms, then 100 ms added to every Web API response (not the server's mounted one: no server runs, so the measurement is the queue, the workers and their Spotify calls). No LLM: the rules judge.",
      `Duplicates: "analysis finished" log lines with outcome=completed counted per analysisId across all worker logs (completed lines logged per round: ${rounds.map((round) => round.completedLines).join(", ")}); not completed / extra attempts from the rows. Other outcomes logged: ${rounds.map((round) => round.otherOutcomes).join(" / ")}.`,
      "CPU: utime+stime from /proc over the drain, as a share of one core; the machine has 2 cores (200 %). The sandbox and PostgreSQL share those cores with the workers; machine = every process (including anything else running on the machine).",
    ],
    targets: [
      {
        name: "queue scaling",
        target: "two worker processes >= 1.6 x one",
        measured: `${formatNumber(scaling, 2)} x (${formatNumber(two.perSecond, 1)} vs ${formatNumber(one.perSecond, 1)} analyses/s)`,
        met: scaling >= 1.6,
      },
      {
        name: "queue scaling with Spotify latency (machine not saturated)",
        target: "two worker processes >= 1.6 x one",
        measured: `${formatNumber(slowScaling, 2)} x (${formatNumber(slowTwo.perSecond, 1)} vs ${formatNumber(slowOne.perSecond, 1)} analyses/s)`,
        met: slowScaling >= 1.6,
      },
      {
        name: "no analysis completed twice",
        target: "0 completed more than once, all completed",
        measured: `${duplicates} duplicates, ${notCompleted} not completed (all rounds)`,
        met: duplicates === 0 && notCompleted === 0,
      },
    ],
  };
}

export const drainScenario: Scenario = {
  name: "drain",
  description: "(c) 2,000 pending analyses drained by one, then two worker processes on PostgreSQL",
  run,
};

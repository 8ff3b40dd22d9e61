import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cleanUp, installCleanupHandlers } from "./cleanup.js";
import { describeMachine, renderMachine } from "./machine.js";
import { dropAbandonedBenchDatabases, PrerequisiteError, requirePostgres } from "./postgres.js";
import { RUN_DIRECTORY } from "./processes.js";
import type { BenchOptions, Scenario } from "./scenario.js";
import { drainScenario } from "./scenarios/drain.js";
import { floodScenario } from "./scenarios/flood.js";
import { listenersScenario } from "./scenarios/listeners.js";
import { budgetScenario, metricsScenario } from "./scenarios/operations.js";
import { profileScenario } from "./scenarios/profile.js";
import { profileWorkerScenario } from "./scenarios/profile-worker.js";
import { shareCardsScenario } from "./scenarios/share-cards.js";
import { standingsScenario } from "./scenarios/standings.js";
import { startupScenario } from "./scenarios/startup.js";
import { statusScenario } from "./scenarios/status.js";
import { streamsScenario } from "./scenarios/streams.js";
import { verdictScenario } from "./scenarios/verdict.js";
import { watchScenario } from "./scenarios/watch.js";
import { webScenario } from "./scenarios/web.js";
import { renderReport, renderTargets, type ScenarioReport, type TargetCheck } from "./tables.js";
import { buildApps } from "./unwrapped.js";

/** `pnpm bench` runs these, in this order; the profiles, `listeners` and `web` run only when named. */
const DEFAULT_SCENARIOS: readonly Scenario[] = [
  statusScenario,
  verdictScenario,
  drainScenario,
  watchScenario,
  startupScenario,
  floodScenario,
  streamsScenario,
];
const ALL_SCENARIOS: readonly Scenario[] = [
  ...DEFAULT_SCENARIOS,
  profileScenario,
  profileWorkerScenario,
  listenersScenario,
  standingsScenario,
  metricsScenario,
  budgetScenario,
  shareCardsScenario,
  webScenario,
];
/** Scenarios that run without PostgreSQL. */
const WITHOUT_POSTGRES = new Set(["startup", "listeners", "web"]);

const USAGE = `Usage: pnpm bench [--quick] [scenario ...]

Scenarios (all but the profiles by default):
${ALL_SCENARIOS.map((scenario) => `  ${scenario.name.padEnd(15)} ${scenario.description}`).join("\n")}

--quick   a short smoke run: the same tables from fewer and shorter iterations (well under 2 minutes)`;

async function main(): Promise<number> {
  // `pnpm bench -- --quick` passes the "--" through.
  const args = process.argv.slice(2).filter((argument) => argument !== "--");
  const { values, positionals } = parseArgs({
    args,
    options: {
      quick: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = positionals.filter((name) => !ALL_SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown scenario: ${unknown.join(", ")}\n\n${USAGE}`);
    return 2;
  }
  const selected =
    positionals.length === 0
      ? DEFAULT_SCENARIOS
      : ALL_SCENARIOS.filter((scenario) => positionals.includes(scenario.name));
  const options: BenchOptions = { quick: values.quick };

  installCleanupHandlers();
  buildApps();
  let postgresVersion: string | null = null;
  if (selected.some((scenario) => !WITHOUT_POSTGRES.has(scenario.name))) {
    postgresVersion = await requirePostgres();
    const dropped = await dropAbandonedBenchDatabases();
    if (dropped.length > 0)
      console.log(`Dropped bench databases left by earlier runs: ${dropped.join(", ")}`);
  }
  const machine = renderMachine(describeMachine(postgresVersion));
  console.log(`unwrapped bench${options.quick ? " (quick)" : ""}\n${machine}\nLogs: ${RUN_DIRECTORY}\n`);

  const reports: ScenarioReport[] = [];
  const failures: { scenario: string; error: string }[] = [];
  for (const scenario of selected) {
    const started = Date.now();
    console.log(`== ${scenario.name}: ${scenario.description}`);
    try {
      const report = await scenario.run(options);
      reports.push(report);
      console.log(`\n${renderReport(report)}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ scenario: scenario.name, error: message });
      console.error(`scenario ${scenario.name} failed: ${message}\n`);
    } finally {
      await cleanUp();
    }
    console.log(`(${scenario.name} took ${Math.round((Date.now() - started) / 1000)} s)\n`);
  }

  const targets: TargetCheck[] = reports.flatMap((report) => report.targets);
  const summary = [
    `## unwrapped bench${options.quick ? " (quick)" : ""}`,
    "",
    machine,
    "",
    ...reports.map(renderReport),
    "## Targets",
    "",
    renderTargets(targets),
    ...failures.map((failure) => `- FAILED TO RUN: ${failure.scenario}: ${failure.error.split("\n")[0]}`),
    "",
  ].join("\n");
  mkdirSync(RUN_DIRECTORY, { recursive: true });
  const resultsPath = join(RUN_DIRECTORY, "results.md");
  writeFileSync(resultsPath, summary);
  console.log(`## Targets\n\n${renderTargets(targets)}`);
  for (const failure of failures) console.log(`- FAILED TO RUN: ${failure.scenario}`);
  console.log(
    `\n${targets.filter((target) => target.met).length} of ${targets.length} targets met; all tables in ${resultsPath}`,
  );
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    if (error instanceof PrerequisiteError) console.error(`\n${error.message}`);
    else console.error(error);
    await cleanUp();
    process.exit(1);
  },
);

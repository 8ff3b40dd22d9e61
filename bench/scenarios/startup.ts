import { join } from "node:path";
import { processEnvironment } from "../environment.js";
import { freePort, RUN_DIRECTORY, startProcess, waitForHttpOk } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { median } from "../stats.js";
import { formatMs, type ScenarioReport } from "../tables.js";
import { SERVER_ENTRY } from "../unwrapped.js";

interface StartCommand {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
}

const PNPM_START: StartCommand = { label: "`pnpm start`", command: "pnpm", args: ["start"] };
const NODE_START: StartCommand = {
  label: "`node --import tsx apps/server/src/main.ts` (no pnpm, no tsx CLI)",
  command: process.execPath,
  args: ["--import", "tsx", SERVER_ENTRY],
};

/** Starts the server with only DATA_DIR and PORT set, times spawn -> first 200 from /readyz, stops it. */
async function timeStart(start: StartCommand, dataDirectory: string, name: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const server = startProcess({
    name,
    command: start.command,
    args: start.args,
    env: processEnvironment({ DATA_DIR: dataDirectory, PORT: String(port) }),
  });
  await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, {
    process: server,
    intervalMs: 10,
    timeoutMs: 120_000,
  });
  const elapsed = performance.now() - started;
  await server.stop({ timeoutMs: 20_000 });
  return elapsed;
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const laterStarts = options.quick ? 2 : 5;
  const dataDirectory = join(RUN_DIRECTORY, "startup-data");
  const first = await timeStart(PNPM_START, dataDirectory, "startup-first");
  const later: number[] = [];
  for (let index = 0; index < laterStarts; index++) {
    later.push(await timeStart(PNPM_START, dataDirectory, `startup-later-${index + 1}`));
  }
  const direct: number[] = [];
  for (let index = 0; index < laterStarts; index++) {
    direct.push(await timeStart(NODE_START, dataDirectory, `startup-node-${index + 1}`));
  }
  const laterMedian = median(later);
  const describe = (values: number[]) =>
    values.length === 1
      ? formatMs(values[0] ?? Number.NaN, 0)
      : `${formatMs(median(values), 0)} (min ${formatMs(Math.min(...values), 0)}, max ${formatMs(Math.max(...values), 0)})`;
  return {
    title: "(e) start-up: process start -> 200 from /readyz",
    command: commandFor("startup", options),
    table: {
      headers: ["start", "command", "data directory", "starts", "time to ready (median)"],
      rows: [
        [
          "first",
          PNPM_START.label,
          "empty (PGlite initialises, migrations, secrets generated)",
          "1",
          describe([first]),
        ],
        ["later", PNPM_START.label, "the same, already migrated", String(later.length), describe(later)],
        ["later", NODE_START.label, "the same, already migrated", String(direct.length), describe(direct)],
      ],
    },
    notes: [
      "Only DATA_DIR (a directory of the run, empty at first) and PORT are set; everything else is the `pnpm start` default (PGlite, inline worker, demo mode, LOG_LEVEL=info). Each start is stopped with SIGTERM and has exited before the next.",
      "Timed from spawning the command to the first 200 from GET /readyz (polled every 10 ms).",
    ],
    targets: [
      {
        name: "later starts",
        target: "< 3 s to ready (`pnpm start`, median)",
        measured: formatMs(laterMedian, 0),
        met: laterMedian < 3000,
      },
    ],
  };
}

export const startupScenario: Scenario = {
  name: "startup",
  description:
    "(e) `pnpm start` to a 200 from /readyz: first start on an empty data directory, then later starts",
  run,
};

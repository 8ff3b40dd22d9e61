import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { processEnvironment } from "../environment.js";
import { freePort, REPOSITORY_ROOT, RUN_DIRECTORY, startProcess, waitForHttpOk } from "../processes.js";
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
  label: "`node apps/server/dist/main.js` (no pnpm, no build check)",
  command: process.execPath,
  args: [SERVER_ENTRY],
};

/**
 * Starts the server in `cwd` with only PORT (and DATA_DIR when given) set, times spawn -> first 200 from
 * /readyz, stops it with SIGINT (Ctrl-C) and checks it exited with 0.
 */
async function timeStart(
  start: StartCommand,
  options: { cwd: string; name: string; dataDirectory?: string },
): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const server = startProcess({
    name: options.name,
    command: start.command,
    args: start.args,
    cwd: options.cwd,
    env: processEnvironment({
      PORT: String(port),
      ...(options.dataDirectory ? { DATA_DIR: options.dataDirectory } : {}),
    }),
  });
  await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, {
    process: server,
    intervalMs: 10,
    timeoutMs: 120_000,
  });
  const elapsed = performance.now() - started;
  await server.stop({ signal: "SIGINT", timeoutMs: 20_000 });
  const exit = await server.exited;
  if (exit !== 0)
    throw new Error(`${options.name} exited with ${exit} on SIGINT:\n${server.log().slice(-2000)}`);
  return elapsed;
}

/** Runs a command to its end and returns how long it took. */
function timeCommand(command: string, args: readonly string[], cwd: string): number {
  const started = performance.now();
  execFileSync(command, [...args], {
    cwd,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
  return performance.now() - started;
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const repeats = options.quick ? 2 : 5;
  // A new user's first hour: a clone of the committed HEAD, installed, then `pnpm start` with nothing
  // built, no turbo cache and no data directory.
  const clone = join(RUN_DIRECTORY, "startup-clone");
  rmSync(clone, { recursive: true, force: true });
  mkdirSync(RUN_DIRECTORY, { recursive: true });
  execFileSync("git", ["clone", "--quiet", REPOSITORY_ROOT, clone]);
  const install = timeCommand("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], clone);
  const first = await timeStart(PNPM_START, { cwd: clone, name: "startup-first" });
  const later: number[] = [];
  for (let index = 0; index < repeats; index++) {
    later.push(await timeStart(PNPM_START, { cwd: clone, name: `startup-later-${index + 1}` }));
  }
  const direct: number[] = [];
  for (let index = 0; index < repeats; index++) {
    direct.push(await timeStart(NODE_START, { cwd: clone, name: `startup-node-${index + 1}` }));
  }
  // Where the first start goes: the build from nothing, then the server on an empty data directory.
  rmSync(join(clone, ".turbo"), { recursive: true, force: true });
  rmSync(join(clone, "apps", "server", "dist"), { recursive: true, force: true });
  // As scripts/run-app.sh runs it (the repository's turbo, without pnpm in front).
  const turbo = join(clone, "node_modules", ".bin", "turbo");
  const coldBuild = timeCommand(turbo, ["run", "build", "--filter=@unwrapped/server"], clone);
  const cachedBuild = timeCommand(turbo, ["run", "build", "--filter=@unwrapped/server"], clone);
  const emptyData: number[] = [];
  for (let index = 0; index < (options.quick ? 1 : 3); index++) {
    emptyData.push(
      await timeStart(NODE_START, {
        cwd: clone,
        name: `startup-empty-data-${index + 1}`,
        dataDirectory: join(RUN_DIRECTORY, `startup-empty-data-${index + 1}`),
      }),
    );
  }
  rmSync(clone, { recursive: true, force: true });

  const describe = (values: number[]) =>
    values.length === 1
      ? formatMs(values[0] ?? Number.NaN, 0)
      : `${formatMs(median(values), 0)} (min ${formatMs(Math.min(...values), 0)}, max ${formatMs(Math.max(...values), 0)})`;
  const laterMedian = median(later);
  return {
    title: "(e) start-up: process start -> 200 from /readyz",
    command: commandFor("startup", options),
    table: {
      headers: ["start", "command", "state before", "runs", "time to ready (median)"],
      rows: [
        [
          "first",
          PNPM_START.label,
          "fresh clone after `pnpm install`: no dist/, no turbo cache, no .data/ (build, PGlite initialises, migrations, secrets)",
          "1",
          describe([first]),
        ],
        [
          "later",
          PNPM_START.label,
          "built, turbo cache warm, .data/ migrated",
          String(later.length),
          describe(later),
        ],
        ["later", NODE_START.label, "the same", String(direct.length), describe(direct)],
        [
          "part of first",
          NODE_START.label,
          "built, an empty data directory (PGlite initialises, migrations)",
          String(emptyData.length),
          describe(emptyData),
        ],
      ],
    },
    notes: [
      `Only PORT (and DATA_DIR in the last row) is set; everything else is the \`pnpm start\` default (PGlite under .data/, inline worker, demo mode, LOG_LEVEL=info). Each start is stopped with SIGINT (Ctrl-C), must exit with 0, and has exited before the next.`,
      "Timed from spawning the command to the first 200 from GET /readyz (polled every 10 ms).",
      `The clone is \`git clone\` of the committed HEAD; \`pnpm install --frozen-lockfile --prefer-offline\` took ${formatMs(install, 0)} (not part of any start). In the same clone: \`turbo run build --filter=@unwrapped/server\` with no cache and no dist/ took ${formatMs(coldBuild, 0)}, and ${formatMs(cachedBuild, 0)} when nothing changed (the check every \`pnpm start\` makes). \`pnpm\` itself takes about 0.7 s to start on this machine (\`pnpm --version\`), part of every \`pnpm start\`.`,
    ],
    targets: [
      {
        name: "first start on a fresh clone",
        target: "< 20 s to ready (`pnpm start`, build and database creation included)",
        measured: formatMs(first, 0),
        met: first < 20_000,
      },
      {
        name: "later starts",
        target: "< 2 s to ready (`pnpm start`, median)",
        measured: formatMs(laterMedian, 0),
        met: laterMedian < 2000,
      },
    ],
  };
}

export const startupScenario: Scenario = {
  name: "startup",
  description:
    "(e) `pnpm start` to a 200 from /readyz: the first start of a fresh clone (build included), then later starts",
  run,
};

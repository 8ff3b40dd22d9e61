import { join } from "node:path";
import { type LoadSample, runLoad } from "../load.js";
import { postgresPids } from "../postgres.js";
import { readProcessProfile } from "../process-profile.js";
import { CpuMeter, RUN_DIRECTORY } from "../processes.js";
import { renderProfileSummary } from "../profile-summary.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { formatInteger, formatMs, type ScenarioReport } from "../tables.js";
import { prepareStatusFixture } from "./status.js";

const CONNECTIONS = 50;

/** Microseconds on the monotonic clock, the clock of V8's profile timestamps on Linux. */
function monotonicMicroseconds(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Scenario (a)'s unwrapped server under `node --cpu-prof`, with the same status load; the profile is cut
 * to the load's time window and summarised by package (bench/profile-summary.ts).
 */
async function run(options: BenchOptions): Promise<ScenarioReport> {
  const profileDirectory = join(RUN_DIRECTORY, "profile");
  const fixture = await prepareStatusFixture(["--cpu-prof", "--cpu-prof-dir", profileDirectory]);
  const meters = {
    server: new CpuMeter(() => [fixture.server.process.pid]),
    postgres: new CpuMeter(postgresPids),
  };
  await runLoad(fixture.target, { connections: CONNECTIONS, durationSeconds: options.quick ? 1 : 3 }, meters);
  const from = monotonicMicroseconds();
  const sample: LoadSample = await runLoad(
    fixture.target,
    { connections: CONNECTIONS, durationSeconds: options.quick ? 3 : 10 },
    meters,
  );
  const to = monotonicMicroseconds();
  await fixture.server.process.stop({ timeoutMs: 30_000 });
  const { summary, relativePath } = readProcessProfile(profileDirectory, fixture.server.process.pid, {
    fromMicroseconds: from,
    toMicroseconds: to,
  });
  return {
    title: "(a) profile: the unwrapped server under node --cpu-prof during the status load",
    command: commandFor("profile", options),
    table: {
      headers: ["group (Node/V8 internals charged to their caller)", "µs/request", "% of busy"],
      rows: summary.chargedGroups
        .filter((group) => group.group !== "idle")
        .map((group) => [
          group.group,
          (group.microseconds / sample.responses).toFixed(1),
          `${((group.microseconds / summary.busyMicroseconds) * 100).toFixed(1)} %`,
        ]),
    },
    notes: [
      `${formatInteger(sample.requestsPerSecond)} req/s, p50 ${formatMs(sample.p50Ms, 0)}, p99 ${formatMs(sample.p99Ms, 0)} under the profiler (autocannon -c ${CONNECTIONS}); ${formatInteger(sample.responses)} responses in the profiled window; server CPU ${formatInteger(sample.serverCpuMicroseconds)} µs/request by /proc.`,
      `Profile: ${relativePath}; re-run the summary with \`pnpm exec tsx bench/profile-summary.ts ${relativePath} --requests ${sample.responses} --window ${from}:${to}\`.`,
    ],
    details: renderProfileSummary(summary, { requests: sample.responses }),
    targets: [],
  };
}

export const profileScenario: Scenario = {
  name: "profile",
  description: "(a) under node --cpu-prof: where the server's time goes, grouped by package",
  run,
};

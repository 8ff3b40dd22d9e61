import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cleanUp, installCleanupHandlers } from "./cleanup.js";
import type { Drill, DrillResult } from "./drill-support.js";
import { llmDownDrill } from "./drills/llm-down.js";
import { postgresRestartDrill } from "./drills/postgres-restart.js";
import { rateLimitDrill } from "./drills/rate-limit.js";
import { workerKillDrill } from "./drills/worker-kill.js";
import { describeMachine, renderMachine } from "./machine.js";
import { dropAbandonedBenchDatabases, PrerequisiteError, requirePostgres } from "./postgres.js";
import { RUN_DIRECTORY } from "./processes.js";
import { buildApps } from "./unwrapped.js";

const DRILLS: readonly Drill[] = [workerKillDrill, postgresRestartDrill, rateLimitDrill, llmDownDrill];

const USAGE = `Usage: pnpm drill [drill ...]

Fault drills on PostgreSQL (they restart the local cluster: do not run them while tests use it).
${DRILLS.map((drill) => `  ${drill.name.padEnd(17)} ${drill.description}`).join("\n")}`;

function renderResult(result: DrillResult): string {
  return [
    `### ${result.passed ? "PASS" : "FAIL"}: ${result.name}`,
    "",
    result.description,
    "",
    ...result.figures.map((figure) => `- ${figure}`),
    "",
  ].join("\n");
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((argument) => argument !== "--"),
    options: { help: { type: "boolean", short: "h", default: false } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = positionals.filter((name) => !DRILLS.some((drill) => drill.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown drill: ${unknown.join(", ")}\n\n${USAGE}`);
    return 2;
  }
  const selected =
    positionals.length === 0 ? DRILLS : DRILLS.filter((drill) => positionals.includes(drill.name));
  installCleanupHandlers();
  buildApps();
  const postgresVersion = await requirePostgres();
  await dropAbandonedBenchDatabases();
  const machine = renderMachine(describeMachine(postgresVersion));
  console.log(`unwrapped drills\n${machine}\nLogs: ${RUN_DIRECTORY}\n`);

  const results: DrillResult[] = [];
  for (const drill of selected) {
    console.log(`== ${drill.name}: ${drill.description}`);
    const started = Date.now();
    try {
      results.push(await drill.run());
    } catch (error) {
      results.push({
        name: drill.name,
        description: drill.description,
        passed: false,
        figures: [
          `the drill itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ],
      });
    } finally {
      await cleanUp();
    }
    const result = results.at(-1) as DrillResult;
    console.log(
      `\n${renderResult(result)}(${drill.name} took ${Math.round((Date.now() - started) / 1000)} s)\n`,
    );
  }
  const report = [`## unwrapped drills`, "", machine, "", ...results.map(renderResult)].join("\n");
  mkdirSync(RUN_DIRECTORY, { recursive: true });
  writeFileSync(join(RUN_DIRECTORY, "drills.md"), report);
  const passed = results.filter((result) => result.passed).length;
  console.log(`${passed} of ${results.length} drills passed; report in ${join(RUN_DIRECTORY, "drills.md")}`);
  return passed === results.length ? 0 : 1;
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

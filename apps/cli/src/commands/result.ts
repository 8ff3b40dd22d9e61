import { type AnalysisResult, errorCode } from "@unwrapped/client";
import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { type CliContext, signedInClient } from "../context.js";
import { CliError } from "../errors.js";
import { renderVerdict } from "../format.js";
import { terminalWidth } from "../io.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";

export const resultCommand: Command = {
  name: "result",
  summary: "print your latest verdict",
  help: `Usage: unwrapped result [--json] [--server URL]

Options:
  --json         print the result as JSON only
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const values = parseCommandArgs("result", argv, { ...COMMON_OPTIONS, json: { type: "boolean" } });
    const { client } = await signedInClient(context, values.server);
    const result = await latestResult(() => client.analysis.result.query());
    printResult(context, result, { json: values.json ?? false });
  },
};

/** The latest verdict, with "there is none yet" said in the CLI's terms. */
export async function latestResult(query: () => Promise<AnalysisResult>): Promise<AnalysisResult> {
  try {
    return await query();
  } catch (error) {
    const code = errorCode(error);
    if (code === "NOT_FOUND") throw new CliError("No verdict yet. Run `unwrapped analyze` first.");
    if (code === "PRECONDITION_FAILED") {
      throw new CliError(`${(error as Error).message} Run \`unwrapped analyze\` to follow it.`);
    }
    throw error;
  }
}

export function printResult(context: CliContext, result: AnalysisResult, options: { json: boolean }): void {
  if (options.json) {
    context.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const width = Math.min(terminalWidth(context.io.stdout), 100);
  context.io.stdout.write(renderVerdict(result, { width, style: context.style }));
}

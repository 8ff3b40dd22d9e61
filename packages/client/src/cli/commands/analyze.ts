import { isTerminalStatus, waitForAnalysis } from "../../analysis-watch.js";
import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { signedInClient } from "../context.js";
import { CliError } from "../errors.js";
import { ProgressDisplay } from "../progress.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";
import { printResult } from "./result.js";

export const analyzeCommand: Command = {
  name: "analyze",
  summary: "analyse your listening and print the verdict",
  help: `Usage: unwrapped analyze [--fresh] [--json] [--server URL]

Starts an analysis (or joins the one running), shows its progress live, and prints the verdict:
label, description, scores, top genres and the share link. Without --fresh, your latest verdict is
shown again if you have one.

Options:
  --fresh        analyse again even if you already have a verdict (rate limited)
  --json         print the result as JSON only (progress, if any, goes to stderr)
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const values = parseCommandArgs("analyze", argv, {
      ...COMMON_OPTIONS,
      fresh: { type: "boolean" },
      json: { type: "boolean" },
    });
    const json = values.json ?? false;
    const { client } = await signedInClient(context, values.server);
    let status = await client.analysis.begin.mutate({ fresh: values.fresh ?? false });
    if (!isTerminalStatus(status)) {
      // Progress goes to stderr: stdout carries the verdict (or the JSON) alone.
      const progress = ProgressDisplay.for(context.io.stderr, { quiet: json });
      try {
        status = await waitForAnalysis(client, {
          analysisId: status.analysisId,
          onStatus: (update) => progress.update(update),
          reconnectTimeoutMs: 30_000,
        });
      } finally {
        progress.finish();
      }
    }
    if (status.status === "failed") {
      throw new CliError(`The analysis failed: ${status.error?.message ?? "no reason was given."}`);
    }
    const result = await client.analysis.result.query({ analysisId: status.analysisId });
    printResult(context, result, { json });
  },
};

import { isTerminalStatus, waitForAnalysis } from "@unwrapped/client";
import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { signedInClient } from "../context.js";
import { CliError, INTERRUPTED_EXIT_CODE, UsageError } from "../errors.js";
import { ProgressDisplay } from "../progress.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";
import { printResult } from "./result.js";

export const analyzeCommand: Command = {
  name: "analyze",
  summary: "analyse your listening and print the verdict",
  help: `Usage: unwrapped analyze [--fresh] [--json] [--tone gentle|balanced|savage] [--server URL]

Starts an analysis (or joins the one running), shows its progress live, and prints the verdict:
label, description, scores, top genres and the share link. Without --fresh, your latest verdict is
shown again if you have one (in the tone asked for). On a terminal, a verdict that an AI judge is
writing appears word by word as it is written.

Options:
  --fresh        analyse again even if you already have a verdict (rate limited)
  --tone TONE    the verdict's voice: gentle, balanced (the default) or savage; a tone other than your
                 latest verdict's starts a new analysis (rate limited like --fresh)
  --json         print the result as JSON only (progress, if any, goes to stderr)
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}

Ctrl-C stops watching, not the analysis: it goes on on the server, and \`unwrapped result\` shows
the verdict once it is done.`,
  interruptible: true,

  async run(argv, context) {
    const values = parseCommandArgs("analyze", argv, {
      ...COMMON_OPTIONS,
      fresh: { type: "boolean" },
      tone: { type: "string" },
      json: { type: "boolean" },
    });
    const tone = toneOf(values.tone);
    const json = values.json ?? false;
    const { client } = await signedInClient(context, values.server);
    let status = await client.analysis.begin.mutate({ fresh: values.fresh ?? false, tone });
    if (!isTerminalStatus(status)) {
      // Progress goes to stderr: stdout carries the verdict (or the JSON) alone.
      const progress = ProgressDisplay.for(context.io.stderr, { quiet: json });
      try {
        status = await waitForAnalysis(client, {
          analysisId: status.analysisId,
          onStatus: (update) => progress.update(update),
          reconnectTimeoutMs: 30_000,
          signal: context.interrupted,
        });
      } catch (error) {
        if (!context.interrupted.aborted) throw error;
        throw new CliError(
          "Stopped watching. The analysis goes on on the server: run `unwrapped result` to see the " +
            "verdict when it is done (or `unwrapped analyze` to watch it again).",
          { exitCode: INTERRUPTED_EXIT_CODE },
        );
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

const TONES = ["gentle", "balanced", "savage"] as const;

function toneOf(value: string | undefined): (typeof TONES)[number] | undefined {
  if (value === undefined) return undefined;
  const tone = TONES.find((candidate) => candidate === value.toLowerCase());
  if (!tone) {
    throw new UsageError(
      `--tone takes gentle, balanced or savage, not "${value}". Run \`unwrapped analyze --help\` for usage.`,
    );
  }
  return tone;
}

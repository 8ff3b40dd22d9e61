import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { signedInClient } from "../context.js";
import { describeStatus, formatTimestamp, table } from "../format.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";

export const historyCommand: Command = {
  name: "history",
  summary: "list your analyses, newest first",
  help: `Usage: unwrapped history [--server URL]

Lists your last 20 analyses: when, how they ended, and the verdict's label.

Options:
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const values = parseCommandArgs("history", argv, COMMON_OPTIONS);
    const { client } = await signedInClient(context, values.server);
    const page = await client.analysis.history.query({ limit: 20 });
    if (page.items.length === 0) {
      context.io.stdout.write("No analyses yet. Run `unwrapped analyze` to start one.\n");
      return;
    }
    // The labels live on the results; these queries go out as one batched request.
    const labels = await Promise.all(
      page.items.map((item) =>
        item.status === "completed"
          ? client.analysis.result.query({ analysisId: item.analysisId }).then((result) => result.label)
          : Promise.resolve(item.error?.message ?? ""),
      ),
    );
    const rows = page.items.map((item, index) => [
      formatTimestamp(item.createdAt),
      describeStatus(item),
      labels[index] ?? "",
    ]);
    context.io.stdout.write(`${table(["DATE (UTC)", "STATUS", "LABEL"], rows)}\n`);
  },
};

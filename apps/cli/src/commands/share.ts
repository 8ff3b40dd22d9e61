import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { signedInClient } from "../context.js";
import { UsageError } from "../errors.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";
import { latestResult } from "./result.js";

export const shareCommand: Command = {
  name: "share",
  summary: "print, revoke or renew the share link of your latest verdict",
  help: `Usage: unwrapped share [--revoke | --rotate] [--server URL]

Prints the public link to your latest verdict.

Options:
  --revoke       stop sharing: the link stops working
  --rotate       replace the link with a new one (the old one stops working); also re-enables sharing
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const values = parseCommandArgs("share", argv, {
      ...COMMON_OPTIONS,
      revoke: { type: "boolean" },
      rotate: { type: "boolean" },
    });
    if (values.revoke && values.rotate) {
      throw new UsageError("Choose one of --revoke and --rotate. Run `unwrapped share --help` for usage.");
    }
    const { client } = await signedInClient(context, values.server);
    const result = await latestResult(() => client.analysis.result.query());
    if (values.rotate) {
      const rotated = await client.share.rotate.mutate({ analysisId: result.analysisId });
      context.io.stdout.write(`${rotated.shareUrl}\n`);
      return;
    }
    if (values.revoke) {
      await client.share.revoke.mutate({ analysisId: result.analysisId });
      context.io.stdout.write(
        `Stopped sharing "${result.label}"${result.shareUrl ? `: ${result.shareUrl} no longer works` : ""}.\n`,
      );
      return;
    }
    if (!result.shareUrl) {
      context.io.stdout.write(
        `Sharing is off for "${result.label}". Run \`unwrapped share --rotate\` for a new link.\n`,
      );
      return;
    }
    context.io.stdout.write(`${result.shareUrl}\n`);
  },
};

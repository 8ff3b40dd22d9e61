import { createClient, describeError } from "@unwrapped/client";
import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { CliError } from "../errors.js";
import { type Command, HELP_OPTION_HELP } from "./command.js";

export const logoutCommand: Command = {
  name: "logout",
  summary: "end the session and delete the stored credentials",
  help: `Usage: unwrapped logout

Ends the session on the server it belongs to and deletes the stored credentials.

Options:
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    parseCommandArgs("logout", argv, COMMON_OPTIONS);
    const stored = await context.credentials.read().catch(() => null);
    if (!stored) {
      await context.credentials.delete();
      context.io.stdout.write("Not signed in; nothing to do.\n");
      return;
    }
    let serverError: unknown = null;
    try {
      await createClient({ url: stored.server, fetch: context.fetch }).auth.logout.mutate({
        refreshToken: stored.refreshToken,
      });
    } catch (error) {
      serverError = error;
    }
    await context.credentials.delete();
    if (serverError) {
      throw new CliError(
        `Deleted the local credentials, but the session on ${stored.server} could not be ended: ${describeError(serverError)}`,
      );
    }
    context.io.stdout.write(`Signed out of ${stored.server}.\n`);
  },
};

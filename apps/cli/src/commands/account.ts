import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { signedInClient } from "../context.js";
import { CliError, UsageError } from "../errors.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";

export const accountCommand: Command = {
  name: "account",
  summary: "delete everything the server holds about you, or disconnect Spotify",
  help: `Usage: unwrapped account delete [--yes] [--server URL]
       unwrapped account disconnect-spotify [--server URL]

delete               deletes your account on the server at once: your Spotify tokens, sessions, every
                     verdict and every share link (they stop working), then the stored credentials
                     here. Asks for confirmation first.
disconnect-spotify   forgets your Spotify tokens; your verdicts and share links stay. Signing in again
                     reconnects.

Options:
  --yes          delete without asking (for scripts)
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const [action, ...rest] = argv;
    if (action === "delete") {
      const values = parseCommandArgs("account delete", rest, {
        ...COMMON_OPTIONS,
        yes: { type: "boolean" },
      });
      const { client, server } = await signedInClient(context, values.server);
      const me = await client.auth.me.query();
      const who = me.displayName ?? me.spotifyId;
      if (!values.yes) {
        const confirmed = await context.confirm(
          `Delete ${who}'s account on ${server}: every verdict, every share link and the Spotify connection? This cannot be undone.`,
        );
        if (!confirmed) {
          throw new CliError("Nothing was deleted. Run with --yes to delete without the question.");
        }
      }
      await client.account.delete.mutate();
      await context.credentials.delete();
      context.io.stdout.write(
        `Deleted ${context.style.bold(who)}'s account and everything of it on ${server}.\n`,
      );
      return;
    }
    if (action === "disconnect-spotify") {
      const values = parseCommandArgs("account disconnect-spotify", rest, COMMON_OPTIONS);
      const { client, server } = await signedInClient(context, values.server);
      await client.account.disconnectSpotify.mutate();
      context.io.stdout.write(
        `Forgot your Spotify tokens on ${server}; your verdicts stay. \`unwrapped login\` reconnects.\n`,
      );
      return;
    }
    throw new UsageError(
      `${action ? `Unknown action "${action}"` : "Say what to do"}: \`unwrapped account delete\` or \`unwrapped account disconnect-spotify\`. Run \`unwrapped account --help\` for usage.`,
    );
  },
};

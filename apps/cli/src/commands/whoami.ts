import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { signedInClient } from "../context.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";

export const whoamiCommand: Command = {
  name: "whoami",
  summary: "show who you are signed in as, and where",
  help: `Usage: unwrapped whoami [--server URL]

Options:
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const values = parseCommandArgs("whoami", argv, COMMON_OPTIONS);
    const { client, server } = await signedInClient(context, values.server);
    const me = await client.auth.me.query();
    const details = [`Spotify user ${me.spotifyId}`, ...(me.email ? [me.email] : [])].join(", ");
    context.io.stdout.write(
      `Signed in to ${server} as ${context.style.bold(me.displayName ?? me.spotifyId)} (${details}).\n`,
    );
    if (me.spotify.reauthorizationRequired) {
      context.io.stderr.write(
        "Spotify no longer accepts this sign-in: run `unwrapped login` again before the next analysis.\n",
      );
    }
  },
};

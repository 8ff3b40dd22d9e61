import { GENERATED_PERSONA, listDemoPersonas } from "@unwrapped/client";
import { COMMON_OPTIONS, parseCommandArgs } from "../args.js";
import { resolveServer } from "../context.js";
import { CliError } from "../errors.js";
import { wrapText } from "../format.js";
import { terminalWidth } from "../io.js";
import { type Command, HELP_OPTION_HELP, SERVER_OPTION_HELP } from "./command.js";

export const personasCommand: Command = {
  name: "personas",
  summary: "list the demo listeners you can sign in as (demo mode)",
  help: `Usage: unwrapped personas [--json] [--server URL]

Lists the listeners of the Spotify sandbox that a server in demo mode (no Spotify credentials)
signs in with: \`unwrapped login --persona ID\` signs in as one of them without a browser.

Options:
  --json         print them as JSON: [{ id, displayName, description }]
${SERVER_OPTION_HELP}
${HELP_OPTION_HELP}`,

  async run(argv, context) {
    const values = parseCommandArgs("personas", argv, { ...COMMON_OPTIONS, json: { type: "boolean" } });
    const stored = await context.credentials.read().catch(() => null);
    const server = resolveServer(context, values.server, stored?.server);
    const personas = await listDemoPersonas({ url: server, fetch: context.fetch });
    if (personas === null) {
      throw new CliError(
        `The server at ${server} is not in demo mode (it signs in with the real Spotify), so it has no ` +
          "demo listeners. Sign in with `unwrapped login` in your browser.",
      );
    }
    if (values.json) {
      context.io.stdout.write(`${JSON.stringify(personas, null, 2)}\n`);
      return;
    }
    const width = terminalWidth(context.io.stdout);
    const indent = (text: string) => text.replace(/^/gm, "    ");
    const entries = personas.map(
      (persona) =>
        `${context.style.bold(persona.id)}  ${persona.displayName}\n${indent(wrapText(persona.description, width - 4))}`,
    );
    entries.push(
      `${context.style.bold(GENERATED_PERSONA)}\n${indent("a generated listener, a different one for every number")}`,
    );
    context.io.stdout.write(
      `Demo listeners on ${server}:\n\n${entries.join("\n\n")}\n\nSign in as one with \`unwrapped login --persona ID\`.\n`,
    );
  },
};

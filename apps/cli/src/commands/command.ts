import type { CliContext } from "../context.js";

/** One `unwrapped <name>` command. `--help` is handled before `run`, from `help`. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full help: usage, what it does, options. */
  readonly help: string;
  /**
   * The command ends itself when `context.interrupted` fires (with a message saying what Ctrl-C left
   * behind). Any other command is cut short with "Interrupted." and exit code 130.
   */
  readonly interruptible?: boolean;
  run(argv: readonly string[], context: CliContext): Promise<void>;
}

export const SERVER_OPTION_HELP =
  "  --server URL   the unwrapped server (default: $UNWRAPPED_SERVER, else the server you signed in to,\n" +
  "                 else http://127.0.0.1:8000)";
export const HELP_OPTION_HELP = "  -h, --help     show this help";

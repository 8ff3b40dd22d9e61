/** A failure the CLI reports as one line on stderr, with an exit code. */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Wrong command, flag or value: exit code 2, with a pointer to the help. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

/** What a shell reports for a command ended by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;

export const NOT_SIGNED_IN = "Not signed in. Run `unwrapped login` first.";
export const SESSION_ENDED = "Your session has ended. Run `unwrapped login` to sign in again.";

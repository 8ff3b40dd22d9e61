import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  server: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

/**
 * node:util parseArgs, strict, no positionals, with its errors turned into one short line that names
 * the command and where its help is.
 */
export function parseCommandArgs<const TOptions extends Options>(
  command: string,
  argv: readonly string[],
  options: TOptions,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(
      `${parseErrorMessage(error, command)} Run \`unwrapped ${command} --help\` for usage.`,
    );
  }
}

/** parseCommandArgs for a command that takes arguments besides its options: `{ values, positionals }`. */
export function parseCommandArgsWithPositionals<const TOptions extends Options>(
  command: string,
  argv: readonly string[],
  options: TOptions,
) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(
      `${parseErrorMessage(error, command)} Run \`unwrapped ${command} --help\` for usage.`,
    );
  }
}

function parseErrorMessage(error: unknown, command: string): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `Unknown option ${quoted} for \`unwrapped ${command}\`.`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `Unexpected argument "${quoted}" for \`unwrapped ${command}\`.`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return message.includes("does not take an argument")
        ? `${quoted} takes no value.`
        : `${quoted.replace(/ <value>$/, "")} needs a value.`;
    default:
      return message;
  }
}

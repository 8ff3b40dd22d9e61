import { describeError, isSessionEndedError } from "@unwrapped/client";
import manifest from "../package.json" with { type: "json" };
import { openBrowser } from "./browser-login.js";
import { COMMANDS } from "./commands/index.js";
import { type CliDependencies, createContext } from "./context.js";
import { CliError, INTERRUPTED_EXIT_CODE, SESSION_ENDED, UsageError } from "./errors.js";

const HELP_FLAGS = new Set(["--help", "-h"]);
const VERSION_FLAGS = new Set(["--version", "-v"]);

/** This CLI's version (apps/cli/package.json, inlined by the build). */
export const VERSION = manifest.version;

export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Usage: unwrapped <command> [options]

What your music taste says about you, from the command line.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join("\n")}

Run \`unwrapped <command> --help\` for a command's options, \`unwrapped --version\` for the version.
Start with \`unwrapped login\` (in demo mode: \`unwrapped personas\`, then \`unwrapped login --persona ID\`).
`;
}

/**
 * Runs one CLI invocation and returns its exit code: 0 on success, 1 on failure, 2 on a usage error.
 * Every failure is one line on stderr; no stack traces.
 */
export async function runCli(argv: readonly string[], dependencies: CliDependencies): Promise<number> {
  const { stdout, stderr } = dependencies.io;
  const [name, ...rest] = argv;
  if (name === undefined || HELP_FLAGS.has(name) || name === "help") {
    stdout.write(usage());
    return 0;
  }
  if (VERSION_FLAGS.has(name)) {
    stdout.write(`unwrapped ${VERSION}\n`);
    return 0;
  }
  try {
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) {
      throw new UsageError(
        name.startsWith("-")
          ? `Options go after the command (e.g. \`unwrapped login --server URL\`). Run \`unwrapped --help\` for usage.`
          : `Unknown command "${name}". Run \`unwrapped --help\` for the list of commands.`,
      );
    }
    if (rest.some((argument) => HELP_FLAGS.has(argument))) {
      stdout.write(`${command.help}\n`);
      return 0;
    }
    const context = createContext(dependencies, openBrowser);
    await (command.interruptible
      ? command.run(rest, context)
      : untilInterrupted(command.run(rest, context), context.interrupted));
    return 0;
  } catch (error) {
    stderr.write(`${errorLine(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

/** The command's outcome, or "Interrupted." (exit code 130) as soon as Ctrl-C is pressed. */
function untilInterrupted(running: Promise<void>, interrupted: AbortSignal): Promise<void> {
  if (interrupted.aborted)
    return Promise.reject(new CliError("Interrupted.", { exitCode: INTERRUPTED_EXIT_CODE }));
  return new Promise((resolve, reject) => {
    const onInterrupt = () => reject(new CliError("Interrupted.", { exitCode: INTERRUPTED_EXIT_CODE }));
    interrupted.addEventListener("abort", onInterrupt, { once: true });
    running.then(resolve, reject).finally(() => interrupted.removeEventListener("abort", onInterrupt));
  });
}

function errorLine(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (isSessionEndedError(error)) return SESSION_ENDED;
  return describeError(error);
}

export type { CliDependencies } from "./context.js";
export type { CliEnvironment } from "./environment.js";
export type { CliIo, OutputStream } from "./io.js";

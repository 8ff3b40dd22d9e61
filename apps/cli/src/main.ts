import { readEnvironment } from "./environment.js";
import { runCli } from "./run.js";

// Ctrl-C aborts this signal; the command ends itself and says what it left behind. A second Ctrl-C
// ends the process at once (the handler is gone by then).
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort());

const exitCode = await runCli(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr },
  env: readEnvironment(),
  interrupted: interrupt.signal,
});
// After Ctrl-C, what the command had open (a login listener, a stream) must not keep the process alive.
if (interrupt.signal.aborted) process.exit(exitCode);
process.exitCode = exitCode;

import { readEnvironment } from "./environment.js";
import { runCli } from "./run.js";

process.exitCode = await runCli(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr },
  env: readEnvironment(),
});

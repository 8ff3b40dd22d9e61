import { dropBenchDatabases } from "./postgres.js";
import { killAllProcessesNow, stopAllProcesses } from "./processes.js";

const extraSteps: (() => Promise<void> | void)[] = [];

/** Something to undo at the end of the run, on error and on Ctrl-C too (e.g. restarting PostgreSQL). */
export function onCleanup(step: () => Promise<void> | void): void {
  extraSteps.push(step);
}

/** Ends every process the run started, runs the registered steps and drops the run's databases. */
export async function cleanUp(): Promise<void> {
  await stopAllProcesses();
  for (const step of extraSteps.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      console.error(`cleanup step failed: ${(error as Error).message}`);
    }
  }
  await dropBenchDatabases();
}

/**
 * Ctrl-C and SIGTERM clean up before exiting; a crash still kills the processes (synchronously, on
 * exit). A second Ctrl-C exits at once — unless it comes within a second of the first: Ctrl-C reaches the
 * bench twice, from the terminal and relayed by the tsx CLI that `pnpm bench` runs it under.
 */
export function installCleanupHandlers(): void {
  process.on("exit", killAllProcessesNow);
  let interruptedAt: number | undefined;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interruptedAt !== undefined) {
        if (Date.now() - interruptedAt > 1_000) process.exit(130);
        return;
      }
      interruptedAt = Date.now();
      console.error(`\n${signal}: stopping the processes the bench started and dropping its databases…`);
      cleanUp().finally(() => process.exit(130));
    });
  }
}

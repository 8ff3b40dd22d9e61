import type { ScenarioReport } from "./tables.js";

export interface BenchOptions {
  /** A short smoke run: the same tables from fewer and shorter iterations. */
  readonly quick: boolean;
}

export interface Scenario {
  /** As typed on the command line: `pnpm bench <name>`. */
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions): Promise<ScenarioReport>;
}

/** The command that reproduces one scenario's table. */
export function commandFor(name: string, options: BenchOptions): string {
  return `pnpm bench ${name}${options.quick ? " --quick" : ""}`;
}

import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export interface MachineDescription {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memory: string;
  readonly node: string;
  readonly postgres: string | null;
  readonly date: string;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return match?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  } catch {
    return cpus()[0]?.model ?? "unknown";
  }
}

export function describeMachine(postgresVersion: string | null): MachineDescription {
  return {
    cores: cpus().length,
    cpuModel: cpuModel(),
    memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
    node: process.version,
    postgres: postgresVersion,
    date: new Date().toISOString(),
  };
}

export function renderMachine(machine: MachineDescription): string {
  return [
    `- Machine: ${machine.cores} cores, ${machine.cpuModel}, ${machine.memory} RAM`,
    `- Node ${machine.node}, PostgreSQL ${machine.postgres ?? "(not used)"}`,
    `- Date: ${machine.date}`,
  ].join("\n");
}

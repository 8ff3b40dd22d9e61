import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** The repository root: every process the bench starts runs here, like `pnpm start` does. */
export const REPOSITORY_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Where the bench keeps process logs, data directories and CPU profiles of a run. */
export const RUN_DIRECTORY = join(REPOSITORY_ROOT, "bench", ".out", `run-${process.pid}`);

export interface StartProcessOptions {
  /** Short name, used for the log file and in messages. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export interface ManagedProcess {
  readonly name: string;
  /** The process id; it also leads its own process group, so signals reach its children too. */
  readonly pid: number;
  readonly logPath: string;
  /** Resolves with the exit code (or the signal's name) when the process has exited. */
  readonly exited: Promise<number | string>;
  readonly hasExited: () => boolean;
  /** Sends `signal` to the whole group, waits up to `timeoutMs`, then SIGKILLs what is left. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<void>;
  /** SIGKILL to the process group, at once. */
  kill(): void;
  /** The log written so far (stdout and stderr interleaved). */
  log(): string;
}

const running = new Set<ManagedProcess>();

/**
 * Starts a process in a process group of its own, with stdout and stderr going to a log file. Every
 * process started here is remembered until it exits, so `stopAllProcesses` (and the exit hook) can end it.
 */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  mkdirSync(RUN_DIRECTORY, { recursive: true });
  const logPath = join(RUN_DIRECTORY, `${options.name}.log`);
  const logFile = openSync(logPath, "a");
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd ?? REPOSITORY_ROOT,
    env: options.env,
    detached: true,
    stdio: ["ignore", logFile, logFile],
  });
  closeSync(logFile);
  if (child.pid === undefined) throw new Error(`could not start ${options.name} (${options.command})`);
  const pid = child.pid;
  let exitedFlag = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      exitedFlag = true;
      running.delete(managed);
      resolve(code ?? signal ?? "unknown");
    });
    child.once("error", () => {
      exitedFlag = true;
      running.delete(managed);
      resolve("spawn error");
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const managed: ManagedProcess = {
    name: options.name,
    pid,
    logPath,
    exited,
    hasExited: () => exitedFlag,
    async stop({ signal = "SIGTERM", timeoutMs = 10_000 } = {}) {
      if (exitedFlag) {
        signalGroup("SIGKILL"); // children the leader left behind
        return;
      }
      signalGroup(signal);
      const outcome = await Promise.race([exited.then(() => "exited"), delay(timeoutMs, "timeout")]);
      signalGroup("SIGKILL");
      if (outcome === "timeout") await exited;
    },
    kill() {
      signalGroup("SIGKILL");
    },
    log: () => readFileSync(logPath, "utf8"),
  };
  running.add(managed);
  return managed;
}

/** Ends every process the bench started and that still runs: SIGTERM, then SIGKILL after a grace period. */
export async function stopAllProcesses(timeoutMs = 5_000): Promise<void> {
  await Promise.all([...running].map((managed) => managed.stop({ timeoutMs })));
}

/** Last resort on exit (synchronous): SIGKILL to every process group still known. */
export function killAllProcessesNow(): void {
  for (const managed of running) managed.kill();
}

/** A port nothing listens on right now (the OS picks it), for a process to bind next. */
export { freePort } from "@unwrapped/services/testing";

/** Polls `url` until it answers 200; fails early with the log's tail when the process dies. */
export async function waitForHttpOk(
  url: string,
  options: { process?: ManagedProcess; timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (options.process?.hasExited()) {
      throw new Error(`${options.process.name} exited before it was ready:\n${tail(options.process.log())}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await delay(options.intervalMs ?? 50);
  }
  throw new Error(
    `${url} did not answer 200 within ${options.timeoutMs ?? 60_000} ms` +
      (options.process ? `:\n${tail(options.process.log())}` : ""),
  );
}

/** Waits until the process's log contains `text`. */
export async function waitForLog(managed: ManagedProcess, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (managed.log().includes(text)) return;
    if (managed.hasExited()) throw new Error(`${managed.name} exited:\n${tail(managed.log())}`);
    await delay(50);
  }
  throw new Error(`${managed.name} did not log "${text}" within ${timeoutMs} ms:\n${tail(managed.log())}`);
}

export function tail(text: string, lines = 25): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

let clockTicksPerSecond: number | undefined;

/** USER_HZ, the unit of utime and stime in /proc/<pid>/stat (`getconf CLK_TCK`). */
export function clockTicks(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** CPU time (user + system) the process has used so far, in microseconds; 0 once it is gone. */
export function cpuMicroseconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces: fields after it start behind the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime, fields 14 and 15
    return (ticks * 1_000_000) / clockTicks();
  } catch {
    return 0;
  }
}

/** Resident memory of the process in bytes (VmRSS). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** The ids of every process whose command name is `name` (as in /proc/<pid>/comm). */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

/** CPU used by a set of processes between `start()` and `stop()`, including processes that appear in between. */
export class CpuMeter {
  readonly #pids: () => number[];
  #before = new Map<number, number>();

  constructor(pids: () => number[]) {
    this.#pids = pids;
  }

  start(): void {
    this.#before = new Map(this.#pids().map((pid) => [pid, cpuMicroseconds(pid)]));
  }

  /** Microseconds of CPU used since start(). */
  stop(): number {
    let used = 0;
    for (const pid of new Set([...this.#before.keys(), ...this.#pids()])) {
      const now = cpuMicroseconds(pid);
      const before = this.#before.get(pid) ?? 0;
      if (now >= before) used += now - before;
    }
    return used;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The whole machine's busy CPU (all cores, from /proc/stat) between `start()` and `stop()`. */
export class MachineCpuMeter {
  #before = { busy: 0, total: 0 };

  static #read(): { busy: number; total: number } {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  }

  start(): void {
    this.#before = MachineCpuMeter.#read();
  }

  /** Busy CPU time since start(), in microseconds (summed over the cores). */
  stop(): number {
    const now = MachineCpuMeter.#read();
    return ((now.busy - this.#before.busy) * 1_000_000) / clockTicks();
  }
}

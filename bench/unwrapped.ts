import { execFileSync } from "node:child_process";
import { createDatabase } from "@unwrapped/db";
import { createLogger, createServices, type Services } from "@unwrapped/services";
import { configFrom, DEMO_CLIENT, processEnvironment, type UnwrappedEnvironment } from "./environment.js";
import {
  freePort,
  type ManagedProcess,
  REPOSITORY_ROOT,
  startProcess,
  waitForHttpOk,
  waitForLog,
} from "./processes.js";

/**
 * The processes under test, started the way `pnpm start` and `pnpm worker` run them — plain `node` on
 * the built apps/<app>/dist/main.js — but without pnpm and the build check in front (which add parent
 * processes): then the process id the bench measures (CPU, memory) is the server or worker itself.
 * The standalone sandbox is a test double, run from its TypeScript source as its own `start` script does.
 */

export const SERVER_ENTRY = "apps/server/dist/main.js";
export const WORKER_ENTRY = "apps/worker/dist/main.js";
export const SANDBOX_ENTRY = "packages/spotify-sandbox/src/main.ts";

/** Builds the server and the worker when their dist/ is missing or stale (turbo's cache: cheap when current). */
export function buildApps(): void {
  execFileSync(
    "pnpm",
    [
      "exec",
      "turbo",
      "run",
      "build",
      "--filter=@unwrapped/server",
      "--filter=@unwrapped/worker",
      "--output-logs=errors-only",
    ],
    {
      cwd: REPOSITORY_ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
    },
  );
}

export interface RunningServerProcess {
  readonly url: string;
  readonly process: ManagedProcess;
  /** The settings it runs with (PORT and PUBLIC_URL filled in), for in-process services that must match. */
  readonly settings: UnwrappedEnvironment;
}

export async function startServerProcess(options: {
  name: string;
  settings: UnwrappedEnvironment;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: readonly string[];
  readyTimeoutMs?: number;
  /** A port chosen beforehand (when tokens must be issued for this server's URL before it starts). */
  port?: number;
}): Promise<RunningServerProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const settings: UnwrappedEnvironment = {
    ...options.settings,
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: url,
  };
  const server = startProcess({
    name: options.name,
    command: process.execPath,
    args: [...(options.nodeFlags ?? []), SERVER_ENTRY],
    env: processEnvironment(settings),
  });
  await waitForHttpOk(`${url}/readyz`, { process: server, timeoutMs: options.readyTimeoutMs ?? 90_000 });
  return { url, process: server, settings };
}

/** A worker process (`pnpm worker`), logging at info so that every "analysis finished" line is kept. */
export async function startWorkerProcess(options: {
  name: string;
  settings: UnwrappedEnvironment;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: readonly string[];
}): Promise<ManagedProcess> {
  const worker = startProcess({
    name: options.name,
    command: process.execPath,
    args: [...(options.nodeFlags ?? []), WORKER_ENTRY],
    env: processEnvironment({ ...options.settings, LOG_LEVEL: "info" }),
  });
  await waitForLog(worker, '"msg":"worker started"', 90_000);
  return worker;
}

export interface RunningSandboxProcess {
  readonly url: string;
  readonly process: ManagedProcess;
  /** Points an unwrapped process at this sandbox instead of a mounted one. */
  readonly spotifySettings: UnwrappedEnvironment;
}

/** The Spotify sandbox on its own (`pnpm --filter @unwrapped/spotify-sandbox start`). */
export async function startSandboxProcess(options: {
  name: string;
  latencyMs: number;
}): Promise<RunningSandboxProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sandbox = startProcess({
    name: options.name,
    command: process.execPath,
    args: ["--import", "tsx", SANDBOX_ENTRY, "--port", String(port), "--latency", String(options.latencyMs)],
    env: { ...process.env },
  });
  await waitForHttpOk(`${url}/personas`, { process: sandbox });
  return { url, process: sandbox, spotifySettings: spotifySettingsFor(url) };
}

/** Settings that send an unwrapped process to a sandbox at `sandboxUrl` (demo client credentials). */
export function spotifySettingsFor(sandboxUrl: string): UnwrappedEnvironment {
  return {
    SPOTIFY_CLIENT_ID: DEMO_CLIENT.id,
    SPOTIFY_CLIENT_SECRET: DEMO_CLIENT.secret,
    SPOTIFY_ACCOUNTS_URL: `${sandboxUrl}/accounts`,
    SPOTIFY_API_URL: `${sandboxUrl}/api`,
  };
}

export interface InProcessServices {
  readonly services: Services;
  close(): Promise<void>;
}

/**
 * The domain services in the bench's own process, configured like the server (same secrets, issuer and
 * Spotify endpoints), for preparing users and analyses without going through HTTP.
 */
export async function openServices(settings: UnwrappedEnvironment): Promise<InProcessServices> {
  const config = configFrom({ ...settings, DB_POOL_MAX: "8" });
  const database = await createDatabase(config.database, { applicationName: "unwrapped-bench" });
  const services = createServices({ config, database, logger: createLogger({ level: "silent" }) });
  return {
    services,
    async close() {
      await services.statusHub.close();
      await services.revocations.close();
      await database.close();
    },
  };
}

import { createDatabase } from "@unwrapped/db";
import { createLogger, createServices, type Services } from "@unwrapped/services";
import { configFrom, DEMO_CLIENT, processEnvironment, type UnwrappedEnvironment } from "./environment.js";
import { freePort, type ManagedProcess, startProcess, waitForHttpOk, waitForLog } from "./processes.js";

/**
 * The processes under test, started the way `pnpm start`, `pnpm worker` and the sandbox's `start` script
 * do, but as `node --import tsx <file>` rather than through pnpm and the tsx CLI (which add two parent
 * processes): then the process id the bench measures (CPU, memory) is the server or worker itself.
 */

export const SERVER_ENTRY = "apps/server/src/main.ts";
export const WORKER_ENTRY = "apps/worker/src/main.ts";
export const SANDBOX_ENTRY = "packages/spotify-sandbox/src/main.ts";

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
    args: [...(options.nodeFlags ?? []), "--import", "tsx", SERVER_ENTRY],
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
    args: [...(options.nodeFlags ?? []), "--import", "tsx", WORKER_ENTRY],
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
      await database.close();
    },
  };
}

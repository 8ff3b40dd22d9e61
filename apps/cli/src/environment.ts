import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** What the CLI takes from its environment. The only module of the CLI that reads `process.env`. */
export interface CliEnvironment {
  /** Where the credentials live: $XDG_CONFIG_HOME/unwrapped, else ~/.config/unwrapped. */
  readonly configDirectory: string;
  /** UNWRAPPED_SERVER: the server to use when --server is not given. */
  readonly server: string | undefined;
  /** NO_COLOR set to anything but the empty string turns colors off (https://no-color.org). */
  readonly noColor: boolean;
  /** DATABASE_URL: the database `unwrapped admin` works on (as the server and workers use it). */
  readonly databaseUrl?: string | undefined;
  /** WORKER_LEASE_SECONDS as the workers have it: after this long without a heartbeat a worker is gone. */
  readonly workerLeaseSeconds?: number | undefined;
}

export function readEnvironment(
  env: Readonly<Record<string, string | undefined>> = process.env,
): CliEnvironment {
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const xdgConfigHome = env.XDG_CONFIG_HOME?.trim();
  const configHome =
    xdgConfigHome && isAbsolute(xdgConfigHome)
      ? xdgConfigHome
      : join(env.HOME?.trim() || homedir(), ".config");
  return {
    configDirectory: join(configHome, "unwrapped"),
    server: env.UNWRAPPED_SERVER?.trim() || undefined,
    noColor: Boolean(env.NO_COLOR),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    workerLeaseSeconds: /^\d+$/.test(env.WORKER_LEASE_SECONDS ?? "")
      ? Number(env.WORKER_LEASE_SECONDS)
      : undefined,
  };
}

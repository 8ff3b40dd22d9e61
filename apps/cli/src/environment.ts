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
  };
}

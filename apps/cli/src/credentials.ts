import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SessionTokens } from "@unwrapped/client";
import { CliError } from "./errors.js";

/** What `unwrapped login` keeps between runs. */
export interface StoredCredentials {
  readonly version: 1;
  /** The server these tokens belong to. */
  readonly server: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly accessTokenExpiresAt: string;
  readonly user: { readonly id: string; readonly displayName: string | null };
}

export function credentialsFromSession(server: string, tokens: SessionTokens): StoredCredentials {
  return {
    version: 1,
    server,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt.toISOString(),
    user: { id: tokens.user.id, displayName: tokens.user.displayName },
  };
}

/**
 * credentials.json in the CLI's config directory, readable by its owner only: the directory is 0700,
 * the file 0600, and a write goes to a private temporary file renamed over the old one, so the tokens
 * are never briefly world-readable and a crash never leaves half a file.
 */
export class CredentialsStore {
  readonly directory: string;
  readonly path: string;

  constructor(directory: string) {
    this.directory = directory;
    this.path = join(directory, "credentials.json");
  }

  async read(): Promise<StoredCredentials | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new CliError(`Cannot read ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const parsed = parseCredentials(text);
    if (!parsed) {
      throw new CliError(
        `${this.path} is not a credentials file of this CLI. Run \`unwrapped login\` again.`,
      );
    }
    return parsed;
  }

  async write(credentials: StoredCredentials): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await chmod(this.directory, 0o700);
    const temporary = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new CliError(`Cannot save the credentials to ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * Runs `action` while holding credentials.json.lock, so two `unwrapped` commands started at once do
   * not both refresh: the server takes a refresh token presented twice for a stolen one and ends the
   * session. A lock older than `staleMs` belongs to a process that died, and is broken.
   */
  async withLock<T>(
    action: () => Promise<T>,
    options: { timeoutMs?: number; staleMs?: number } = {},
  ): Promise<T> {
    const lockPath = `${this.path}.lock`;
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    for (;;) {
      try {
        const handle = await open(lockPath, "wx", 0o600);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const age = await stat(lockPath).then(
          (info) => Date.now() - info.mtimeMs,
          () => 0,
        );
        if (age > (options.staleMs ?? 30_000)) {
          await rm(lockPath, { force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new CliError(
            `Another unwrapped command holds ${lockPath}; try again, or delete it if none runs.`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    try {
      return await action();
    } finally {
      await rm(lockPath, { force: true });
    }
  }

  /** Deletes the file; true if there was one. */
  async delete(): Promise<boolean> {
    try {
      await rm(this.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }
}

function parseCredentials(text: string): StoredCredentials | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  const user = record.user as Record<string, unknown> | null | undefined;
  const strings = ["server", "accessToken", "refreshToken", "accessTokenExpiresAt"] as const;
  if (record.version !== 1 || strings.some((key) => typeof record[key] !== "string")) return null;
  if (typeof user !== "object" || user === null || typeof user.id !== "string") return null;
  return {
    version: 1,
    server: record.server as string,
    accessToken: record.accessToken as string,
    refreshToken: record.refreshToken as string,
    accessTokenExpiresAt: record.accessTokenExpiresAt as string,
    user: { id: user.id, displayName: typeof user.displayName === "string" ? user.displayName : null },
  };
}

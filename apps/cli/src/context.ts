import {
  baseUrl,
  createClient,
  type Fetch,
  isUnwrappedClientError,
  type UnwrappedClient,
} from "@unwrapped/client";
import { confirmOnTerminal } from "./confirm.js";
import { CredentialsStore, credentialsFromSession, type StoredCredentials } from "./credentials.js";
import type { CliEnvironment } from "./environment.js";
import { CliError, NOT_SIGNED_IN, SESSION_ENDED, UsageError } from "./errors.js";
import { createStyle, type Style } from "./format.js";
import type { CliIo } from "./io.js";

export const DEFAULT_SERVER = "http://127.0.0.1:8000";

/** What every command gets: where to write, the environment, the credentials, and what tests replace. */
export interface CliContext {
  readonly io: CliIo;
  readonly env: CliEnvironment;
  readonly credentials: CredentialsStore;
  /** Styles for stdout: colors only on a terminal, and never with NO_COLOR. */
  readonly style: Style;
  readonly fetch: Fetch | undefined;
  readonly openBrowser: (url: string) => void;
  /** How long `login` waits for the browser. */
  readonly loginTimeoutMs: number;
  /** Aborted on Ctrl-C (SIGINT). Commands marked `interruptible` end themselves when it fires. */
  readonly interrupted: AbortSignal;
  /** Asks the person a yes/no question (the terminal; no without one). */
  readonly confirm: (question: string) => Promise<boolean>;
}

export interface CliDependencies {
  readonly io: CliIo;
  readonly env: CliEnvironment;
  readonly fetch?: Fetch | undefined;
  readonly openBrowser?: ((url: string) => void) | undefined;
  readonly loginTimeoutMs?: number | undefined;
  /** Aborted on Ctrl-C: the process's SIGINT, or a test's AbortController. */
  readonly interrupted?: AbortSignal | undefined;
  readonly confirm?: ((question: string) => Promise<boolean>) | undefined;
}

export function createContext(dependencies: CliDependencies, openBrowser: (url: string) => void): CliContext {
  return {
    io: dependencies.io,
    env: dependencies.env,
    credentials: new CredentialsStore(dependencies.env.configDirectory),
    style: createStyle(Boolean(dependencies.io.stdout.isTTY) && !dependencies.env.noColor),
    fetch: dependencies.fetch,
    openBrowser: dependencies.openBrowser ?? openBrowser,
    loginTimeoutMs: dependencies.loginTimeoutMs ?? 5 * 60_000,
    interrupted: dependencies.interrupted ?? new AbortController().signal,
    confirm: dependencies.confirm ?? confirmOnTerminal,
  };
}

/** --server, then UNWRAPPED_SERVER, then the server of the stored credentials, then the local default. */
export function resolveServer(
  context: CliContext,
  flag: string | undefined,
  stored: string | undefined,
): string {
  const chosen = flag ?? context.env.server ?? stored ?? DEFAULT_SERVER;
  try {
    return baseUrl(chosen);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export interface SignedIn {
  readonly client: UnwrappedClient;
  readonly server: string;
  readonly credentials: StoredCredentials;
}

/** A client with the stored session; rotated tokens are saved as soon as the client receives them. */
export async function signedInClient(context: CliContext, serverFlag: string | undefined): Promise<SignedIn> {
  const stored = await context.credentials.read();
  const server = resolveServer(context, serverFlag, stored?.server);
  if (!stored) throw new CliError(NOT_SIGNED_IN);
  if (baseUrl(stored.server) !== server) {
    throw new CliError(
      `Not signed in to ${server} (only to ${stored.server}). Run \`unwrapped login --server ${server}\` first.`,
    );
  }
  const current = await refreshedIfExpiring(context, server, stored);
  const client = createClient({
    url: server,
    accessToken: current.accessToken,
    refreshToken: current.refreshToken,
    onTokens: (tokens) => context.credentials.write(credentialsFromSession(current.server, tokens)),
    fetch: context.fetch,
  });
  return { client, server, credentials: current };
}

/** Refresh ahead of this margin, so a command does not start with a token about to expire. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Refreshes a stored session whose access token is (nearly) expired, under the credentials lock: a
 * command that waited for the lock finds the tokens another command just refreshed and uses them.
 * The client still refreshes by itself if the server says the token expired anyway (clock skew).
 */
async function refreshedIfExpiring(
  context: CliContext,
  server: string,
  stored: StoredCredentials,
): Promise<StoredCredentials> {
  const expiring = (credentials: StoredCredentials) =>
    Date.parse(credentials.accessTokenExpiresAt) - Date.now() < EXPIRY_MARGIN_MS;
  if (!expiring(stored)) return stored;
  return context.credentials.withLock(async () => {
    const latest = (await context.credentials.read()) ?? stored;
    if (!expiring(latest)) return latest;
    const client = createClient({ url: server, fetch: context.fetch });
    try {
      const tokens = await client.auth.refresh.mutate({ refreshToken: latest.refreshToken });
      const refreshed = credentialsFromSession(latest.server, tokens);
      await context.credentials.write(refreshed);
      return refreshed;
    } catch (error) {
      if (isUnwrappedClientError(error) && error.data?.code === "UNAUTHORIZED")
        throw new CliError(SESSION_ENDED);
      throw error;
    }
  });
}

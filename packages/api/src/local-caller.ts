import { isTrackedEnvelope } from "@trpc/server";
import type { Logger, Services, SessionTokens } from "@unwrapped/services";
import { createContextFactory } from "./context.js";
import { createCaller } from "./root.js";

export interface LocalCallerOptions {
  /** The services of this process: `createServices(...)`, or a running server's `services`. */
  readonly services: Services;
  /**
   * Calls as this signed-in user: an access token from `auth.exchange` or `auth.refresh` (what the
   * Authorization header carries over HTTP). Without one, protected procedures answer UNAUTHORIZED.
   */
  readonly accessToken?: string | null | undefined;
  /** Where procedure errors are logged; the services' logger by default. */
  readonly logger?: Logger | undefined;
}

/**
 * The router, called in this process without HTTP: `createLocalCaller({ services, accessToken }).auth.me()`.
 * The same middlewares, validation and error mapping as over /trpc: failures are TRPCErrors with the
 * codes a client would see. For tests and scripts that run next to the services.
 */
export function createLocalCaller(options: LocalCallerOptions) {
  const createContext = createContextFactory(options.services, options.logger);
  return createCaller(
    createContext({ authorization: options.accessToken ? `Bearer ${options.accessToken}` : undefined }),
  );
}

export type LocalCaller = ReturnType<typeof createLocalCaller>;

/**
 * A caller acting as a user of this database, with a session made in process the way a sign-in ends (a
 * one-time login code, exchanged): for scripts and tests that act as a user without a Spotify sign-in.
 * The session is returned too, to refresh (`caller.auth.refresh`) or end (`auth.logout`) it.
 */
export async function createLocalCallerForUser(
  services: Services,
  userId: string,
  options: { readonly logger?: Logger | undefined } = {},
): Promise<{ caller: LocalCaller; session: SessionTokens }> {
  const code = await services.sessions.createLoginCode(userId);
  const session = await services.sessions.exchangeLoginCode(code);
  return {
    caller: createLocalCaller({ services, accessToken: session.accessToken, logger: options.logger }),
    session,
  };
}

/**
 * The data of one event of a subscription called in process, such as a status of `analysis.watch`:
 * `for await (const event of await caller.analysis.watch({ analysisId })) console.log(eventData(event))`.
 * tRPC types these events as `{ id, data }` but yields the envelopes `tracked()` made; this reads both.
 */
export function eventData<T>(event: { readonly id: string; readonly data: T }): T {
  return isTrackedEnvelope<T>(event) ? event[1] : event.data;
}

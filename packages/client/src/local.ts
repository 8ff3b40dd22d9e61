import { createTRPCClient, localLink } from "@trpc/client";
import { appRouter, createContextFactory } from "@unwrapped/api";
import superjson from "superjson";
import type { UnwrappedClient } from "./client.js";
import { refreshLink } from "./refresh-link.js";
import { type SessionOptions, TokenSession } from "./session.js";

type ContextFactoryParameters = Parameters<typeof createContextFactory>;

export interface LocalClientOptions extends SessionOptions {
  /** The services of this process (`createServices(...)`, or a running server's `services`). */
  readonly services: ContextFactoryParameters[0];
  /** Where procedure errors are logged; the services' logger by default. */
  readonly logger?: ContextFactoryParameters[1];
}

/**
 * The same typed client without HTTP, for scripts and tests running next to the server code: every call
 * runs the real router (middlewares, validation, error formatting) in this process. Tokens work as over
 * HTTP, refresh included; subscriptions are async generators read in-process.
 */
export function createLocalClient(options: LocalClientOptions): UnwrappedClient {
  const createContext = createContextFactory(options.services, options.logger);
  const refreshClient = createTRPCClient<typeof appRouter>({
    links: [
      localLink({ router: appRouter, transformer: superjson, createContext: async () => createContext({}) }),
    ],
  });
  const session = new TokenSession(options, (refreshToken) =>
    refreshClient.auth.refresh.mutate({ refreshToken }),
  );
  return createTRPCClient<typeof appRouter>({
    links: [
      refreshLink(session),
      localLink({
        router: appRouter,
        transformer: superjson,
        createContext: async () => {
          const accessToken = await session.accessToken();
          return createContext({ authorization: accessToken ? `Bearer ${accessToken}` : undefined });
        },
      }),
    ],
  });
}

export type { SessionOptions, SessionTokens } from "./session.js";

import { createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter } from "@unwrapped/api";
import superjson from "superjson";

/** A bare tRPC client (no refresh logic) for tests that probe authentication edge cases. */
export function rawClient(serverUrl: string, accessToken?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${serverUrl}/trpc`,
        transformer: superjson,
        headers: () => (accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      }),
    ],
  });
}

import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import type { AppRouter } from "@unwrapped/api";
import { EventSource } from "eventsource";
import superjson from "superjson";

export type BenchClient = TRPCClient<AppRouter>;

/**
 * A typed tRPC client with the bearer token on every call: queries and mutations over HTTP (batched),
 * subscriptions over SSE with the `eventsource` package, whose custom fetch carries the Authorization header.
 */
export function createBenchClient(serverUrl: string, accessToken: string | null): BenchClient {
  const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  const url = `${serverUrl}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink<AppRouter, typeof EventSource>({
          url,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
          }),
        }),
        false: httpBatchLink({ url, transformer: superjson, headers }),
      }),
    ],
  });
}

import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import { defaultSubscriptionLink } from "#sse-transport";
import { baseUrl, type Fetch, linkFetch, reportUnreachable } from "./fetch.js";
import { refreshLink } from "./refresh-link.js";
import type { AppRouter } from "./router-types.js";
import { type SessionOptions, TokenSession } from "./session.js";
import {
  connectionParamsSubscriptionLink,
  type EventSourceConstructor,
  type SubscriptionLinkSettings,
} from "./subscription-link.js";

/** The typed client: `client.analysis.begin.mutate()`, `client.analysis.watch.subscribe(…)`, … */
export type UnwrappedClient = TRPCClient<AppRouter>;

export interface ClientOptions extends SessionOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8000 (the API is at `${url}/trpc`). */
  readonly url: string;
  /** The fetch to send with (custom agents, proxies, tests). Defaults to the global fetch. */
  readonly fetch?: Fetch | undefined;
  /**
   * The EventSource for subscriptions. By default: the `eventsource` package in Node, sending the
   * token in an Authorization header; the native one in browsers. One passed here (or the browser's)
   * gets the access token through tRPC's connectionParams instead, since EventSource cannot set headers.
   */
  readonly EventSource?: EventSourceConstructor | undefined;
  /** Extra headers for every request (not sent by a header-less EventSource). */
  readonly headers?:
    | Record<string, string>
    | (() => Record<string, string> | Promise<Record<string, string>>)
    | undefined;
}

/**
 * A typed client for an unwrapped server: queries and mutations batched over HTTP, subscriptions over
 * SSE, superjson on the wire (Dates arrive as Dates). With a refresh token it renews an expired access
 * token by itself (see `SessionOptions`).
 */
export function createClient(options: ClientOptions): UnwrappedClient {
  const serverUrl = baseUrl(options.url);
  const trpcUrl = `${serverUrl}/trpc`;
  const platformFetch = reportUnreachable(options.fetch ?? globalThis.fetch.bind(globalThis), serverUrl);
  const fetch = linkFetch(platformFetch);
  const extraHeaders = async () =>
    typeof options.headers === "function" ? await options.headers() : (options.headers ?? {});

  // auth.refresh goes through a client of its own, outside the refresh link, so it cannot recurse.
  const refreshClient = createTRPCClient<AppRouter>({
    links: [httpLink({ url: trpcUrl, transformer: superjson, fetch, headers: extraHeaders })],
  });
  const session = new TokenSession(options, (refreshToken) =>
    refreshClient.auth.refresh.mutate({ refreshToken }),
  );
  const headers = async (): Promise<Record<string, string>> => {
    const accessToken = await session.accessToken();
    return { ...(await extraHeaders()), ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) };
  };
  const subscriptionSettings: SubscriptionLinkSettings = {
    url: trpcUrl,
    session,
    fetch: platformFetch,
    headers,
  };

  return createTRPCClient<AppRouter>({
    links: [
      refreshLink(session),
      splitLink({
        condition: (op) => op.type === "subscription",
        true: options.EventSource
          ? connectionParamsSubscriptionLink(subscriptionSettings, options.EventSource)
          : defaultSubscriptionLink(subscriptionSettings),
        false: httpBatchLink({ url: trpcUrl, transformer: superjson, fetch, headers, maxURLLength: 4_000 }),
      }),
    ],
  });
}

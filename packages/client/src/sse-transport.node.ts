import { httpSubscriptionLink, type TRPCLink } from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import type { AppRouter } from "./router-types.js";
import type { SubscriptionLinkSettings } from "./subscription-link.js";

/**
 * Node has no EventSource of its own (before 22, and then only behind a flag): the `eventsource`
 * package, which takes a fetch, so the access token goes in an Authorization header like every other
 * call, read again on each reconnect.
 */
export function defaultSubscriptionLink(settings: SubscriptionLinkSettings): TRPCLink<AppRouter> {
  return httpSubscriptionLink<AppRouter, typeof EventSource>({
    url: settings.url,
    transformer: superjson,
    EventSource,
    eventSourceOptions: () => ({
      fetch: async (input, init) =>
        settings.fetch(input, { ...init, headers: { ...init.headers, ...(await settings.headers()) } }),
    }),
  });
}

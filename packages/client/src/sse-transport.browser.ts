import type { TRPCLink } from "@trpc/client";
import type { AppRouter } from "./router-types.js";
import { connectionParamsSubscriptionLink, type SubscriptionLinkSettings } from "./subscription-link.js";

/**
 * Browsers have a native EventSource, which cannot set headers: the access token goes in tRPC's
 * connectionParams. (Chosen by the "browser" condition of `#sse-transport`, so bundles for the browser
 * carry no EventSource polyfill.)
 */
export function defaultSubscriptionLink(settings: SubscriptionLinkSettings): TRPCLink<AppRouter> {
  return connectionParamsSubscriptionLink(settings, undefined);
}

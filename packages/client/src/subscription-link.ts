import { httpSubscriptionLink, type TRPCLink } from "@trpc/client";
import superjson from "superjson";
import type { Fetch } from "./fetch.js";
import type { AppRouter } from "./router-types.js";
import type { TokenSession } from "./session.js";

/** The parts of an EventSource that tRPC uses: the browser's, or any implementation passed in. */
export interface EventSourceLike {
  readonly CLOSED: number;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly readyState: number;
  // biome-ignore lint/suspicious/noExplicitAny: event types differ between implementations
  addEventListener(type: string, listener: (event: any) => void): void;
  // biome-ignore lint/suspicious/noExplicitAny: event types differ between implementations
  removeEventListener(type: string, listener: (event: any) => void): void;
  close(): void;
}

export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean },
) => EventSourceLike;

export interface SubscriptionLinkSettings {
  /** The tRPC endpoint, `${server}/trpc`. */
  readonly url: string;
  readonly session: TokenSession;
  readonly fetch: Fetch;
  /** The headers every request carries, Authorization included, read at connect time. */
  readonly headers: () => Promise<Record<string, string>>;
}

/**
 * Subscriptions through an EventSource that cannot send headers (the browser's, or one passed in): the
 * access token travels in tRPC's connectionParams, which the server reads for SSE. Only the short-lived
 * access token ever goes there, never the refresh token.
 */
export function connectionParamsSubscriptionLink(
  settings: SubscriptionLinkSettings,
  EventSource: EventSourceConstructor | undefined,
): TRPCLink<AppRouter> {
  return httpSubscriptionLink<AppRouter, EventSourceConstructor>({
    url: settings.url,
    transformer: superjson,
    ...(EventSource ? { EventSource } : {}),
    connectionParams: async () => {
      const accessToken = await settings.session.accessToken();
      return accessToken ? { accessToken } : null;
    },
  });
}

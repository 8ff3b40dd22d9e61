import type { AnyRouter } from "@trpc/server/unstable-core-do-not-import";
import type { ZodType } from "zod";

/** Where the REST operations live, relative to the server's origin. */
export const REST_BASE_PATH = "/api/v1";

/**
 * A subscription offered over REST as Server-Sent Events (`GET <path>`, text/event-stream): each event is
 * `id: <event id>` and `data: <the event as JSON>`; a client that reconnects with `Last-Event-ID` resumes
 * after that event. Queries and mutations use trpc-to-openapi's `openapi` meta instead.
 */
export interface EventStreamMeta {
  /** Relative to /api/v1, with `{name}` path parameters. */
  readonly path: `/${string}`;
  readonly summary: string;
  readonly description?: string;
  readonly tags?: string[];
  /** The data of each event (documented; the procedure's stream produces it). */
  readonly event: ZodType;
  /** The path parameters' schemas (documented; the procedure's input validates them). */
  readonly pathParameters: ZodType;
  /** The procedure's input, from the path parameters and the Last-Event-ID header. */
  readonly input: (pathParameters: Record<string, string>, lastEventId: string | null) => unknown;
}

/** What a procedure may carry besides trpc-to-openapi's `openapi` (a type, so it fits tRPC's meta record). */
export type RestMeta = {
  readonly eventStream?: EventStreamMeta;
};

/** The procedures offered as event streams, by procedure path. */
export function eventStreams(router: AnyRouter): [string, EventStreamMeta][] {
  return Object.entries(router._def.procedures as Record<string, { _def: { meta?: RestMeta } }>).flatMap(
    ([path, procedure]) => {
      const stream = procedure._def.meta?.eventStream;
      return stream ? [[path, stream] as [string, EventStreamMeta]] : [];
    },
  );
}

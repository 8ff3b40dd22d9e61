import { type Operation, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import { isRefreshableAccessTokenError } from "./errors.js";
import type { AppRouter } from "./router-types.js";
import type { TokenSession } from "./session.js";

/**
 * Recovers from an expired access token (or one signed with a rotated-away key): refreshes the session (one refresh shared by every call that
 * needs it) and sends the call again, once. A subscription that delivered events since its last retry
 * may retry again, resuming after the last event it received, so a long watch outlives many tokens; a
 * second expiry without progress, or a refused refresh, fails the call.
 */
export function refreshLink(session: TokenSession): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let current: Unsubscribable | null = null;
        let closed = false;
        let retryAllowed = true;
        let lastEventId: string | undefined;

        const send = (operation: Operation) => {
          const generation = session.generation;
          current = next(operation).subscribe({
            next(envelope) {
              const result = envelope.result;
              if (!("type" in result) || result.type === "data") {
                retryAllowed = true;
                if ("id" in result && typeof result.id === "string") lastEventId = result.id;
              }
              observer.next(envelope);
            },
            error(error) {
              if (closed) return;
              if (!retryAllowed || !isRefreshableAccessTokenError(error) || !session.handlesExpiredTokens) {
                observer.error(error);
                return;
              }
              retryAllowed = false;
              session.refreshAfterExpiry(generation).then(
                () => {
                  if (!closed) send(resumeAfter(op, lastEventId));
                },
                (refreshError: unknown) =>
                  observer.error(
                    TRPCClientError.from<AppRouter>(
                      refreshError instanceof Error ? refreshError : new Error(String(refreshError)),
                    ),
                  ),
              );
            },
            complete() {
              observer.complete();
            },
          });
        };

        send(op);
        return () => {
          closed = true;
          current?.unsubscribe();
        };
      });
}

/** A subscription's input with the last event id it saw, as tRPC's own retryLink resumes it. */
function resumeAfter(op: Operation, lastEventId: string | undefined): Operation {
  if (op.type !== "subscription" || !lastEventId) return op;
  if (op.input !== null && op.input !== undefined && typeof op.input !== "object") return op;
  return { ...op, input: { ...(op.input ?? {}), lastEventId } };
}

import type { UnwrappedClient } from "./client.js";
import type { RouterOutputs } from "./router-types.js";

export type AnalysisStatus = RouterOutputs["analysis"]["status"];
export type AnalysisResult = RouterOutputs["analysis"]["result"];

/** Completed or failed: nothing will change any more. */
export function isTerminalStatus(status: Pick<AnalysisStatus, "status">): boolean {
  return status.status === "completed" || status.status === "failed";
}

export interface WaitForAnalysisOptions {
  /** Which analysis; by default the user's latest. */
  readonly analysisId?: string | undefined;
  /** Called with every status as it arrives (the current one first). */
  readonly onStatus?: ((status: AnalysisStatus) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * How long the stream may stay disconnected (the server restarting, a network change) before the
   * wait fails; reconnects within it resume where they left off. Default 60 s.
   */
  readonly reconnectTimeoutMs?: number | undefined;
}

/**
 * Follows `analysis.watch` until the analysis completes or fails, and returns that last status.
 * Rejects on a server error, after `reconnectTimeoutMs` without a connection, or on abort.
 */
export function waitForAnalysis(
  client: UnwrappedClient,
  options: WaitForAnalysisOptions = {},
): Promise<AnalysisStatus> {
  const reconnectTimeoutMs = options.reconnectTimeoutMs ?? 60_000;
  return new Promise<AnalysisStatus>((resolve, reject) => {
    let last: AnalysisStatus | null = null;
    let settled = false;
    let disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
    let subscription: { unsubscribe(): void } | undefined;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(disconnectedTimer);
      options.signal?.removeEventListener("abort", onAbort);
      subscription?.unsubscribe();
      outcome();
    };
    const onAbort = () => settle(() => reject(options.signal?.reason ?? new Error("Aborted.")));

    subscription = client.analysis.watch.subscribe(
      options.analysisId ? { analysisId: options.analysisId } : undefined,
      {
        onData(event) {
          last = event.data;
          options.onStatus?.(event.data);
        },
        onError(error) {
          settle(() => reject(error));
        },
        onComplete() {
          const final = last;
          settle(() =>
            final && isTerminalStatus(final)
              ? resolve(final)
              : reject(new Error("The status stream ended before the analysis finished.")),
          );
        },
        onConnectionStateChange(state) {
          if (state.state === "connecting" && state.error && disconnectedTimer === undefined) {
            const cause = state.error;
            disconnectedTimer = setTimeout(
              () =>
                settle(() =>
                  reject(
                    new Error(`Lost the connection while waiting for the analysis: ${cause.message}`, {
                      cause,
                    }),
                  ),
                ),
              reconnectTimeoutMs,
            );
          } else if (state.state === "pending") {
            clearTimeout(disconnectedTimer);
            disconnectedTimer = undefined;
          }
        },
      },
    );
    if (settled) subscription.unsubscribe(); // it ended while subscribing
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

import type { AnalysisStatus } from "@unwrapped/services";
import type { BenchClient } from "./trpc-client.js";

/** What `analysis.watch` hands the client: tracked events carry the status under `data`. */
type WatchPayload = AnalysisStatus | { id: string; data: AnalysisStatus };

export function statusOf(payload: WatchPayload): AnalysisStatus {
  return "data" in payload ? payload.data : payload;
}

/**
 * Subscribes to `analysis.watch` over SSE and resolves with the first status that is terminal
 * (completed or failed), at the moment the client receives it.
 */
export function waitForTerminalStatus(
  client: BenchClient,
  analysisId: string,
  timeoutMs = 60_000,
): Promise<{ status: AnalysisStatus; receivedAt: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`analysis ${analysisId} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = client.analysis.watch.subscribe(
      { analysisId },
      {
        onData(payload) {
          const status = statusOf(payload as WatchPayload);
          if (status.status !== "completed" && status.status !== "failed") return;
          const receivedAt = performance.now();
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve({ status, receivedAt });
        },
        onError(error) {
          clearTimeout(timer);
          subscription.unsubscribe();
          reject(error);
        },
      },
    );
  });
}

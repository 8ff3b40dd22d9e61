import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { type AnalysisStatus, useTRPC } from "../api";
import { ErrorNotice } from "../components/error-notice";
import { ProgressView } from "../components/progress-view";

/**
 * analysis.begin, then the analysis's page. The status begin answered goes into the cache first, so the
 * page starts watching at once instead of asking for the status again.
 */
export function useBeginAnalysis() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation(
    trpc.analysis.begin.mutationOptions({
      onSuccess: (started) => {
        queryClient.setQueryData(trpc.analysis.status.queryKey({ analysisId: started.analysisId }), started);
        // Home shows the latest analysis: ask again when it shows next (not now, it is being left).
        void queryClient.invalidateQueries({
          queryKey: trpc.analysis.status.queryKey(),
          exact: true,
          refetchType: "none",
        });
        navigate(`/analysis/${started.analysisId}`);
      },
    }),
  );
}

/**
 * Follows `analysis.watch` (SSE) and shows each status as it arrives. The EventSource reconnects by
 * itself after a network drop and resumes after the last event id; meanwhile the view says so. The
 * final status goes into the status query's cache, so the page above re-renders into the verdict.
 */
export function LiveProgress(props: { initial: AnalysisStatus }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const analysisId = props.initial.analysisId;
  const [status, setStatus] = useState(props.initial);
  // Connecting again after events arrived = the stream dropped and is being resumed.
  const [received, setReceived] = useState(false);
  const subscription = useSubscription(
    trpc.analysis.watch.subscriptionOptions(
      { analysisId },
      {
        onData(event) {
          setStatus(event.data);
          setReceived(true);
          if (event.data.status === "completed" || event.data.status === "failed") {
            queryClient.setQueryData(trpc.analysis.status.queryKey({ analysisId }), event.data);
            queryClient.setQueryData(trpc.analysis.status.queryKey(), (latest) =>
              latest?.analysisId === analysisId ? event.data : latest,
            );
            void queryClient.invalidateQueries({ queryKey: trpc.analysis.history.pathKey() });
          }
        },
      },
    ),
  );
  if (subscription.status === "error") {
    return <ErrorNotice error={subscription.error} onRetry={() => subscription.reset()} />;
  }
  return <ProgressView status={status} reconnecting={subscription.status === "connecting" && received} />;
}

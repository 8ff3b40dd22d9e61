import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams } from "react-router";
import { useTRPC } from "../api";
import { ErrorNotice, errorCodeOf } from "../components/error-notice";
import { ShareControls } from "../components/share-controls";
import { StandingsView } from "../components/standings-view";
import { VerdictView } from "../components/verdict-view";
import { useBrowserSession } from "../session-context";
import { downloadStoryImage, storyFileName } from "../story-image";
import { LiveProgress, useBeginAnalysis } from "./live-progress";

/** `/analysis/:id`: the running analysis live, then its verdict; or why it failed, with "Try again". */
export function AnalysisPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const status = useQuery(trpc.analysis.status.queryOptions({ analysisId: id }));
  if (status.isPending) return <p className="muted">Loading…</p>;
  if (status.isError) {
    const code = errorCodeOf(status.error);
    if (code === "NOT_FOUND" || code === "BAD_REQUEST") {
      return (
        <section className="card">
          <h1>No such verdict</h1>
          <p>This verdict does not exist, or it is not yours.</p>
        </section>
      );
    }
    return <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />;
  }
  if (status.data.status === "failed") return <FailedAnalysis message={status.data.error?.message ?? null} />;
  if (status.data.status !== "completed") return <LiveProgress key={id} initial={status.data} />;
  return <Verdict analysisId={id} />;
}

function FailedAnalysis(props: { message: string | null }) {
  const begin = useBeginAnalysis();
  return (
    <section className="card error-card" role="alert">
      <h1>The analysis failed</h1>
      <p>{props.message ?? "The analysis could not finish."}</p>
      <button
        type="button"
        className="button primary"
        disabled={begin.isPending}
        onClick={() => begin.mutate({ fresh: true })}
      >
        Try again
      </button>
      {begin.isError ? <p className="message error">{begin.error.message}</p> : null}
    </section>
  );
}

function Verdict(props: { analysisId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useBrowserSession();
  const { analysisId } = props;
  const resultKey = trpc.analysis.result.queryKey({ analysisId });
  const result = useQuery(trpc.analysis.result.queryOptions({ analysisId }));
  const revoke = useMutation(
    trpc.share.revoke.mutationOptions({
      onSuccess: () =>
        queryClient.setQueryData(resultKey, (old) =>
          old ? { ...old, shareToken: null, shareUrl: null } : old,
        ),
    }),
  );
  const rotate = useMutation(
    trpc.share.rotate.mutationOptions({
      onSuccess: (link) => queryClient.setQueryData(resultKey, (old) => (old ? { ...old, ...link } : old)),
    }),
  );
  if (result.isPending) return <p className="muted">Loading your verdict…</p>;
  if (result.isError) return <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />;
  const verdict = result.data;
  return (
    <VerdictView result={verdict}>
      <StandingsView standings={verdict.standings} />
      <ShareControls
        shareUrl={verdict.shareUrl}
        label={verdict.label}
        onRevoke={() => revoke.mutateAsync({ analysisId })}
        onRotate={() => rotate.mutateAsync({ analysisId })}
        onDownload={async () => {
          // The image route takes the bearer token only; an expired one is renewed through the cookie.
          await downloadStoryImage({
            origin: window.location.origin,
            analysisId,
            accessToken: session.accessToken,
            renew: session.renew,
            fileName: storyFileName(verdict.label),
          });
        }}
      />
    </VerdictView>
  );
}

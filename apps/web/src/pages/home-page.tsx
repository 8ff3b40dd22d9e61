import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { type Tone, useTRPC } from "../api";
import { ErrorNotice, errorCodeOf } from "../components/error-notice";
import { QuadrantChart } from "../components/quadrant-chart";
import { ToneChoice } from "../components/tone-choice";
import { useSessionState } from "../session-context";
import { LiveProgress, useBeginAnalysis } from "./live-progress";
import { CompareWithFriend } from "./match-pages";

/** Signed in: the latest verdict (or the running analysis), and the button to start one. */
export function HomePage() {
  const trpc = useTRPC();
  const session = useSessionState();
  const latest = useQuery(trpc.analysis.status.queryOptions());
  const name = session.kind === "signed-in" ? session.user.displayName : "";

  if (latest.isPending) return <p className="muted">Loading…</p>;
  const none = latest.isError && errorCodeOf(latest.error) === "NOT_FOUND";
  if (latest.isError && !none)
    return <ErrorNotice error={latest.error} onRetry={() => void latest.refetch()} />;
  const status = latest.data ?? null;

  if (status && (status.status === "pending" || status.status === "processing")) {
    return <LiveProgress key={status.analysisId} initial={status} />;
  }
  return (
    <div className="stack">
      {status?.status === "completed" ? (
        <LatestVerdict analysisId={status.analysisId} />
      ) : (
        <section className="card hero">
          <h1>Hi {name}, ready for the truth?</h1>
          <p>
            We read your top artists, top tracks and recent plays on Spotify and tell you what they say about
            you. It takes a few seconds.
          </p>
          {status?.status === "failed" ? (
            <p className="message error" role="alert">
              Your last analysis failed: {status.error?.message ?? "it could not finish."}
            </p>
          ) : null}
        </section>
      )}
      <StartAnalysis again={status !== null} />
      {status?.status === "completed" ? <CompareWithFriend /> : null}
    </div>
  );
}

function LatestVerdict(props: { analysisId: string }) {
  const trpc = useTRPC();
  const result = useQuery(trpc.analysis.result.queryOptions({ analysisId: props.analysisId }));
  if (result.isPending) return <p className="muted">Loading your verdict…</p>;
  if (result.isError) return <ErrorNotice error={result.error} onRetry={() => void result.refetch()} />;
  const verdict = result.data;
  return (
    <section className="card latest" aria-labelledby="latest-heading">
      <p className="eyebrow">Your latest verdict</p>
      <h1 id="latest-heading" className="verdict-label">
        {verdict.label}
      </h1>
      <p className="roast">{verdict.description}</p>
      <QuadrantChart criticalAcclaim={verdict.criticalAcclaim} mainstream={verdict.mainstream} />
      <p>
        <Link to={`/analysis/${verdict.analysisId}`}>Open the full verdict and share it</Link>
      </p>
    </section>
  );
}

function StartAnalysis(props: { again: boolean }) {
  const begin = useBeginAnalysis();
  const [tone, setTone] = useState<Tone>("balanced");
  return (
    <section className="card" aria-label="New analysis">
      <ToneChoice value={tone} onChange={setTone} />
      <button
        type="button"
        className="button primary big"
        disabled={begin.isPending}
        onClick={() => begin.mutate({ tone, ...(props.again ? { fresh: true } : {}) })}
      >
        {props.again ? "Analyse again" : "Analyse my taste"}
      </button>
      {begin.isError ? (
        <p className="message error" role="alert">
          {begin.error.message}
        </p>
      ) : null}
    </section>
  );
}

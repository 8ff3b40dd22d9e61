import type { AnalysisStatus } from "../api";
import { STAGE_COPY } from "../copy";

/**
 * A running analysis: a progress bar (role progressbar, 0–100) with the stage and its line of copy,
 * the server's hint when something outside holds it up, the verdict's draft while it is written, and
 * the connection's state while the stream reconnects.
 */
export function ProgressView(props: { status: AnalysisStatus; reconnecting?: boolean }) {
  const { status } = props;
  const copy = STAGE_COPY[status.stage];
  const value = Math.round(status.progress * 100);
  return (
    <section className="card progress" aria-labelledby="progress-heading">
      <h1 id="progress-heading">Analysing your taste</h1>
      <p className="stage" aria-live="polite">
        <strong>{copy.title}</strong> — {copy.line}
      </p>
      <div
        className="progress-track"
        role="progressbar"
        aria-label="Analysis progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={`${value} %, ${copy.title}`}
      >
        <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="progress-svg" aria-hidden="true">
          <rect x={0} y={0} width={Math.max(value, 2)} height={8} rx={2} className="progress-fill" />
        </svg>
      </div>
      <p className="muted">{value} %</p>
      {status.status === "pending" && status.error ? (
        <p className="note">Retrying soon: {status.error.message}</p>
      ) : null}
      {status.hint ? (
        <p className="note" data-testid="hint">
          {status.hint}
        </p>
      ) : null}
      {status.draft ? (
        <blockquote className="draft" aria-label="The verdict so far">
          {status.draft}
        </blockquote>
      ) : null}
      {props.reconnecting ? (
        <p className="note" role="status">
          Connection lost — reconnecting…
        </p>
      ) : null}
    </section>
  );
}

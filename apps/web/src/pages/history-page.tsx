import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { useTRPC } from "../api";
import { ErrorNotice } from "../components/error-notice";
import { formatDate } from "../copy";

const STATUS_TEXT = {
  pending: "waiting",
  processing: "running",
  completed: "verdict",
  failed: "failed",
} as const;

/** `/history`: past analyses newest first, a page at a time by the cursor, each opening its verdict. */
export function HistoryPage() {
  const trpc = useTRPC();
  const history = useInfiniteQuery(
    trpc.analysis.history.infiniteQueryOptions(
      { limit: 10 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <section className="card" aria-labelledby="history-heading">
      <h1 id="history-heading">Your verdicts</h1>
      {history.isPending ? <p className="muted">Loading…</p> : null}
      {history.isError ? <ErrorNotice error={history.error} onRetry={() => void history.refetch()} /> : null}
      {history.data ? (
        history.data.pages[0]?.items.length ? (
          <ol className="history">
            {history.data.pages.flatMap((page) =>
              page.items.map((item) => (
                <li key={item.analysisId}>
                  <Link to={`/analysis/${item.analysisId}`}>{formatDate(item.createdAt)}</Link>
                  <span className={`pill pill-${item.status}`}>{STATUS_TEXT[item.status]}</span>
                </li>
              )),
            )}
          </ol>
        ) : (
          <p>
            No verdicts yet. <Link to="/">Start one</Link>.
          </p>
        )
      ) : null}
      {history.hasNextPage ? (
        <button
          type="button"
          className="button"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {history.isFetchingNextPage ? "Loading…" : "Show older"}
        </button>
      ) : null}
    </section>
  );
}

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTRPC } from "../api";
import { CompareForm } from "../components/compare-form";
import { ErrorNotice, errorCodeOf } from "../components/error-notice";
import { MatchView } from "../components/match-view";
import { formatDate, percent } from "../copy";

/** match.create, then the match page. One hook for the pasted link and the share page's button. */
export function useCreateMatch() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.match.create.mutationOptions({
      onSuccess: (match) => {
        queryClient.setQueryData(trpc.match.get.queryKey({ matchId: match.matchId }), match);
        void queryClient.invalidateQueries({ queryKey: trpc.match.list.pathKey() });
        void navigate(`/match/${match.matchId}`);
      },
    }),
  );
}

/** "Compare with a friend": the form, wired to match.create. */
export function CompareWithFriend() {
  const create = useCreateMatch();
  return <CompareForm onCompare={(shareToken) => create.mutateAsync({ shareToken })} />;
}

/** `/compare/:token`: where a friend's share page sends a signed-in listener ("Compare with my taste"). */
export function ComparePage() {
  const { token = "" } = useParams();
  const create = useCreateMatch();
  const started = useRef(false);
  const [tries, setTries] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per token and per retry, by design
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    create.mutate({ shareToken: token });
  }, [token, tries]);
  if (create.isError) {
    const code = errorCodeOf(create.error);
    return (
      <section className="card error-card" role="alert">
        <h1>The comparison did not work</h1>
        <p>
          {code === "NOT_FOUND"
            ? "This share link no longer works: its owner turned sharing off or made a new link."
            : create.error.message}
        </p>
        {code === "PRECONDITION_FAILED" ? (
          <p>
            <Link to="/">Get your own verdict first</Link>, then open the link again.
          </p>
        ) : (
          <button
            type="button"
            className="button"
            onClick={() => {
              started.current = false;
              setTries((n) => n + 1);
            }}
          >
            Try again
          </button>
        )}
      </section>
    );
  }
  return <p className="muted">Comparing your taste…</p>;
}

/** `/match/:id`: the match, its link's controls, and "Delete match". */
export function MatchPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const key = trpc.match.get.queryKey({ matchId: id });
  const match = useQuery(trpc.match.get.queryOptions({ matchId: id }));
  const revoke = useMutation(
    trpc.match.revokeShare.mutationOptions({
      onSuccess: () =>
        queryClient.setQueryData(key, (old) => (old ? { ...old, shareToken: null, shareUrl: null } : old)),
    }),
  );
  const rotate = useMutation(
    trpc.match.rotateShare.mutationOptions({
      onSuccess: (link) => queryClient.setQueryData(key, (old) => (old ? { ...old, ...link } : old)),
    }),
  );
  const remove = useMutation(
    trpc.match.delete.mutationOptions({
      onSuccess: () => {
        queryClient.removeQueries({ queryKey: key });
        void queryClient.invalidateQueries({ queryKey: trpc.match.list.pathKey() });
        void navigate("/matches");
      },
    }),
  );
  if (match.isPending) return <p className="muted">Loading…</p>;
  if (match.isError) {
    const code = errorCodeOf(match.error);
    if (code === "NOT_FOUND" || code === "BAD_REQUEST") {
      return (
        <section className="card">
          <h1>No such match</h1>
          <p>This match does not exist, or it is not yours.</p>
        </section>
      );
    }
    return <ErrorNotice error={match.error} onRetry={() => void match.refetch()} />;
  }
  return (
    <MatchView match={match.data}>
      <MatchShareControls
        shareUrl={match.data.shareUrl}
        onRevoke={() => revoke.mutateAsync({ matchId: id })}
        onRotate={() => rotate.mutateAsync({ matchId: id })}
        onDelete={() => remove.mutateAsync({ matchId: id })}
      />
    </MatchView>
  );
}

export interface MatchShareControlsProps {
  readonly shareUrl: string | null;
  readonly onRevoke: () => Promise<unknown>;
  readonly onRotate: () => Promise<unknown>;
  readonly onDelete: () => Promise<unknown>;
}

/** The match link as text, its picture, "Turn off sharing", "New match link", "Delete match". */
export function MatchShareControls(props: MatchShareControlsProps) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const run = async (task: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await task();
      setMessage({ text: done, error: false });
    } catch (error) {
      setMessage({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card share" aria-labelledby="match-share-heading">
      <h2 id="match-share-heading">Share the match</h2>
      {props.shareUrl ? (
        <>
          <p className="share-link">
            <a href={props.shareUrl}>{props.shareUrl}</a>
          </p>
          <p>
            <a href={`${props.shareUrl}/story.png`} download>
              Match story image
            </a>{" "}
            · <a href={`${props.shareUrl}/card.png`}>Match card image</a>
          </p>
        </>
      ) : (
        <p className="note">Sharing is off. A new link makes the match public again; old links stay dead.</p>
      )}
      <div className="buttons">
        {props.shareUrl ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => run(props.onRevoke, "Sharing is off: the old match link no longer works.")}
          >
            Turn off sharing
          </button>
        ) : null}
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => run(props.onRotate, "A new match link is ready; older links no longer work.")}
        >
          New match link
        </button>
        <button
          type="button"
          className="button danger"
          disabled={busy}
          onClick={() => run(props.onDelete, "Match deleted.")}
        >
          Delete match
        </button>
      </div>
      <p className={message?.error ? "message error" : "message"} role="status" aria-live="polite">
        {message?.text ?? ""}
      </p>
    </section>
  );
}

/** `/matches`: your matches newest first, a page at a time by the cursor, and the compare form. */
export function MatchListPage() {
  const trpc = useTRPC();
  const matches = useInfiniteQuery(
    trpc.match.list.infiniteQueryOptions(
      { limit: 10 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <div className="stack">
      <section className="card" aria-labelledby="matches-heading">
        <h1 id="matches-heading">Your matches</h1>
        {matches.isPending ? <p className="muted">Loading…</p> : null}
        {matches.isError ? (
          <ErrorNotice error={matches.error} onRetry={() => void matches.refetch()} />
        ) : null}
        {matches.data ? (
          matches.data.pages[0]?.items.length ? (
            <ol className="history">
              {matches.data.pages.flatMap((page) =>
                page.items.map((item) => (
                  <li key={item.matchId}>
                    <Link to={`/match/${item.matchId}`}>
                      {item.label} · {item.them.displayName ?? "a friend"}
                    </Link>
                    <span className="muted">
                      {" "}
                      {percent(item.compatibility)} · {formatDate(item.createdAt)}
                    </span>
                  </li>
                )),
              )}
            </ol>
          ) : (
            <p>No matches yet.</p>
          )
        ) : null}
        {matches.hasNextPage ? (
          <button
            type="button"
            className="button"
            disabled={matches.isFetchingNextPage}
            onClick={() => void matches.fetchNextPage()}
          >
            {matches.isFetchingNextPage ? "Loading…" : "Show older"}
          </button>
        ) : null}
      </section>
      <CompareWithFriend />
    </div>
  );
}

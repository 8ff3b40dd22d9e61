import { QueryClientProvider, useMutation } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { BrowserRouter, Link, Route, Routes, useLocation } from "react-router";
import { createAppClient, createQueryClient, TRPCProvider, useTRPC } from "./api";
import { DeleteAccount } from "./components/delete-account";
import { AnalysisPage } from "./pages/analysis-page";
import { HistoryPage } from "./pages/history-page";
import { HomePage } from "./pages/home-page";
import { LandingPage } from "./pages/landing-page";
import { ComparePage, MatchListPage, MatchPage } from "./pages/match-pages";
import { BrowserSession } from "./session";
import { SessionContext, useBrowserSession, useSessionState } from "./session-context";

/** The whole app: one session, one typed client, one query cache, the router. */
export function App() {
  const [session] = useState(() => new BrowserSession({ origin: window.location.origin }));
  const [queryClient] = useState(() => createQueryClient(session));
  const [trpcClient] = useState(() => createAppClient(session, window.location.origin));
  useEffect(() => {
    void session.start(window.location, window.history);
  }, [session]);
  // Whoever signs out or in, nothing cached for the previous user survives.
  useEffect(
    () => session.subscribe(() => session.state.kind !== "signed-in" && queryClient.clear()),
    [session, queryClient],
  );
  return (
    <SessionContext value={session}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <BrowserRouter>
            <Shell />
          </BrowserRouter>
        </TRPCProvider>
      </QueryClientProvider>
    </SessionContext>
  );
}

function Shell() {
  const state = useSessionState();
  const session = useBrowserSession();
  const main = useRef<HTMLElement>(null);
  const location = useLocation();
  const first = useRef(true);
  // After a navigation, move focus to the new page (screen readers and keyboards start there).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation, by design
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  let page: ReactNode;
  if (state.kind === "loading") page = <p className="muted">Loading…</p>;
  else if (state.kind === "unreachable") {
    page = (
      <div className="card error-card" role="alert">
        <h1>The server cannot be reached</h1>
        <p>Check your connection; the server may also be restarting.</p>
        <button type="button" className="button" onClick={() => session.retry()}>
          Retry
        </button>
      </div>
    );
  } else if (state.kind === "signed-out") page = <LandingPage reason={state.reason} />;
  else {
    page = (
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/analysis/:id" element={<AnalysisPage />} />
        <Route path="/history" element={<HistoryPage />} />
        <Route path="/matches" element={<MatchListPage />} />
        <Route path="/match/:id" element={<MatchPage />} />
        <Route path="/compare/:token" element={<ComparePage />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    );
  }

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          unwrapped
        </Link>
        {state.kind === "signed-in" ? (
          <nav aria-label="Main" className="nav">
            <Link to="/history">History</Link>
            <Link to="/matches">Matches</Link>
            <SignOut />
          </nav>
        ) : null}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
      {state.kind === "signed-in" ? (
        <footer className="bottom">
          <span className="muted">Signed in as {state.user.displayName}</span>
          <DeleteData />
        </footer>
      ) : null}
    </>
  );
}

function SignOut() {
  const session = useBrowserSession();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="link-button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        session.signOut().finally(() => setBusy(false));
      }}
    >
      Sign out
    </button>
  );
}

function DeleteData() {
  const trpc = useTRPC();
  const session = useBrowserSession();
  const remove = useMutation(trpc.account.delete.mutationOptions());
  return (
    <DeleteAccount
      onDelete={async () => {
        await remove.mutateAsync({});
        await session.signOut().catch(() => undefined);
        session.end("Your data is deleted. Sign in again to start over.");
      }}
    />
  );
}

function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to your verdict</Link>
      </p>
    </section>
  );
}

import { createContext, useContext, useSyncExternalStore } from "react";
import type { BrowserSession, SessionState } from "./session";

export const SessionContext = createContext<BrowserSession | null>(null);

export function useBrowserSession(): BrowserSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useBrowserSession outside <SessionContext>");
  return session;
}

export function useSessionState(): SessionState {
  const session = useBrowserSession();
  return useSyncExternalStore(session.subscribe, session.getState, session.getState);
}

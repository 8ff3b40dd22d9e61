import { QueryClient } from "@tanstack/react-query";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import {
  type AppRouter,
  createClient,
  isSessionEndedError,
  type RouterInputs,
  type RouterOutputs,
  type UnwrappedClient,
} from "@unwrapped/client";
import type { BrowserSession } from "./session";

export type { RouterInputs, RouterOutputs };
export type AnalysisResult = RouterOutputs["analysis"]["result"];
export type AnalysisStatus = RouterOutputs["analysis"]["status"];
export type HistoryPage = RouterOutputs["analysis"]["history"];
export type Tone = RouterOutputs["analysis"]["result"]["tone"];

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The typed client on this origin: the access token from the session's memory, renewed through the
 * session cookie when it expires; a renewal the server refuses ends the session.
 */
export function createAppClient(session: BrowserSession, origin: string): UnwrappedClient {
  return createClient({
    url: origin,
    getAccessToken: () => session.accessToken,
    renew: session.renew,
    onSessionEnded: () => session.end("Your session has ended. Sign in again."),
  });
}

export function createQueryClient(session: BrowserSession): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A session that ended, or a missing thing, does not get better by asking again.
        retry: (failures, error) => failures < 2 && !isSessionEndedError(error) && !isClientError(error),
      },
      mutations: {
        onError: (error) => {
          if (isSessionEndedError(error)) session.end("Your session has ended. Sign in again.");
        },
      },
    },
  });
}

function isClientError(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
export type Match = RouterOutputs["match"]["get"];
export type Standings = NonNullable<AnalysisResult["standings"]>;

import { TRPCError } from "@trpc/server";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { appRouter } from "../../src/root.js";

/** What a client receives for `error` thrown by procedure `path`: the router's error formatter applied. */
export function clientShape(error: unknown, path: string) {
  if (!(error instanceof TRPCError)) throw error;
  return getErrorShape({
    config: appRouter._def._config,
    error,
    type: "query",
    path,
    input: undefined,
    ctx: undefined,
  });
}

/** The error a call rejects with (fails the test when it resolves). */
export async function rejectionOf(call: Promise<unknown>): Promise<TRPCError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof TRPCError)) throw outcome.error;
  return outcome.error;
}

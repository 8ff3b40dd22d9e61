import { TRPCError } from "@trpc/server";
import { createLocalCaller, eventData } from "@unwrapped/api";
import { createClient, errorCode, signInWithPersona } from "@unwrapped/client";
import { ManualClock } from "@unwrapped/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

/** The code of the TRPCError a local call rejects with (an in-process caller throws tRPC's own errors). */
const localErrorCode = (error: unknown) => (error instanceof TRPCError ? error.code : null);

describe("the in-process caller next to a running server", () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clock });
  });
  afterAll(async () => {
    await server.close();
  });

  it("runs the same router as HTTP on the server's own services: auth, a watched analysis, errors", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "classical-curator" });
    const local = createLocalCaller({ services: server.services, accessToken: session.accessToken });
    const remote = createClient({ url: server.url, accessToken: session.accessToken });

    const me = await local.auth.me();
    expect(me).toEqual(await remote.auth.me.query());
    expect(me.createdAt).toBeInstanceOf(Date);

    const begun = await local.analysis.begin();
    const stages: string[] = [];
    for await (const event of await local.analysis.watch({ analysisId: begun.analysisId })) {
      const status = eventData(event);
      stages.push(status.stage);
      if (status.status === "completed" || status.status === "failed") break;
    }
    expect(stages.at(-1)).toBe("done");
    const result = await local.analysis.result();
    expect(result).toEqual(await remote.analysis.result.query());
    expect(result.analysisId).toBe(begun.analysisId);

    expect(await createLocalCaller({ services: server.services }).auth.me().catch(localErrorCode)).toBe(
      "UNAUTHORIZED",
    );
    expect(await local.analysis.history({ limit: 99 }).catch(localErrorCode)).toBe("BAD_REQUEST");
    expect(await remote.analysis.history.query({ limit: 99 }).catch(errorCode)).toBe("BAD_REQUEST");
  });

  it("refreshes in process, and the rotated tokens work over HTTP (and the old one no longer does)", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "eclectic-explorer" });
    clock.advance(16 * 60_000);
    const expired = createLocalCaller({ services: server.services, accessToken: session.accessToken });
    expect(await expired.auth.me().catch(localErrorCode)).toBe("UNAUTHORIZED");
    const rotated = await createLocalCaller({ services: server.services }).auth.refresh({
      refreshToken: session.refreshToken,
    });
    const remote = createClient({ url: server.url, accessToken: rotated.accessToken });
    expect((await remote.auth.me.query()).id).toBe(session.user.id);
    expect(
      await createClient({ url: server.url })
        .auth.refresh.mutate({ refreshToken: session.refreshToken })
        .catch(errorCode),
    ).toBe("UNAUTHORIZED");
  });
});

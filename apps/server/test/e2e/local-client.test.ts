import { errorCode, signInWithPersona, waitForAnalysis } from "@unwrapped/client";
import { createLocalClient } from "@unwrapped/client/local";
import { ManualClock } from "@unwrapped/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe("the local (in-process) client", () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clock });
  });
  afterAll(async () => {
    await server.close();
  });

  it("runs the real router without HTTP: auth, an analysis watched to its verdict, errors", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "classical-curator" });
    const client = createLocalClient({ services: server.services, accessToken: session.accessToken });

    const me = await client.auth.me.query();
    expect(me).toMatchObject({ id: session.user.id, spotify: { connected: true } });
    expect(me.createdAt).toBeInstanceOf(Date);

    const begun = await client.analysis.begin.mutate();
    const seen: string[] = [];
    const final = await waitForAnalysis(client, {
      analysisId: begun.analysisId,
      onStatus: (status) => seen.push(status.stage),
    });
    expect(final).toMatchObject({ status: "completed", stage: "done" });
    expect(seen.at(-1)).toBe("done");
    const result = await client.analysis.result.query();
    expect(result.analysisId).toBe(begun.analysisId);
    expect(result.analyzedAt).toBeInstanceOf(Date);

    expect(await createLocalClient({ services: server.services }).auth.me.query().catch(errorCode)).toBe(
      "UNAUTHORIZED",
    );
    expect(await client.analysis.history.query({ limit: 99 }).catch(errorCode)).toBe("BAD_REQUEST");
  });

  it("refreshes an expired access token in-process and hands over the rotated tokens", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "eclectic-explorer" });
    const rotated: string[] = [];
    const client = createLocalClient({
      services: server.services,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      onTokens: (tokens) => {
        rotated.push(tokens.refreshToken);
      },
    });
    clock.advance(16 * 60_000);
    await Promise.all([client.auth.me.query(), client.analysis.history.query(), client.auth.me.query()]);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).not.toBe(session.refreshToken);
  });
});

import { createClient, errorCode, type SessionTokens, signInWithPersona } from "@unwrapped/client";
import { eventually } from "@unwrapped/services/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.js";

type Outcome = "complete" | string;

/** An open analysis.watch stream: resolves `opened` with the first event, `ended` with how it ended. */
function openWatch(server: TestServer, accessToken: string, analysisId: string) {
  const client = createClient({ url: server.url, accessToken });
  let opened!: (value: "data" | Outcome) => void;
  let ended!: (value: Outcome) => void;
  const first = new Promise<"data" | Outcome>((resolve) => {
    opened = resolve;
  });
  const end = new Promise<Outcome>((resolve) => {
    ended = resolve;
  });
  const subscription = client.analysis.watch.subscribe(
    { analysisId },
    {
      onData: () => opened("data"),
      onError: (error) => {
        const code = errorCode(error) ?? "unknown";
        opened(code);
        ended(code);
        subscription.unsubscribe();
      },
      onComplete: () => {
        opened("complete");
        ended("complete");
      },
    },
  );
  return { first, end, close: () => subscription.unsubscribe() };
}

describe("analysis.watch streams", () => {
  let server: TestServer;
  let listener: SessionTokens;
  let analysisId: string;
  beforeAll(async () => {
    // No worker: the analysis stays pending, so its streams stay open.
    server = await startTestServer({ env: { WORKER: "external", WATCH_STREAMS_PER_USER: "2" } });
    listener = await signInWithPersona({ url: server.url, persona: "metalhead" });
    analysisId = (
      await createClient({ url: server.url, accessToken: listener.accessToken }).analysis.begin.mutate()
    ).analysisId;
  });
  afterAll(async () => {
    await server.close();
  });

  it("allows WATCH_STREAMS_PER_USER streams per user and refuses the next with TOO_MANY_REQUESTS", async () => {
    const streams = [
      openWatch(server, listener.accessToken, analysisId),
      openWatch(server, listener.accessToken, analysisId),
    ];
    expect(await Promise.all(streams.map((stream) => stream.first))).toEqual(["data", "data"]);
    expect(server.services.watchStreams.openCount).toBe(2);

    const third = openWatch(server, listener.accessToken, analysisId);
    expect(await third.first).toBe("TOO_MANY_REQUESTS");
    // The open ones keep running; another listener is not affected.
    const other = await signInWithPersona({ url: server.url, persona: "chart-pop" });
    const theirs = await createClient({
      url: server.url,
      accessToken: other.accessToken,
    }).analysis.begin.mutate();
    const otherStream = openWatch(server, other.accessToken, theirs.analysisId);
    expect(await otherStream.first).toBe("data");

    // Closing one frees its place.
    streams[0]?.close();
    otherStream.close();
    await eventually(() => server.services.watchStreams.openCount === 1);
    const again = openWatch(server, listener.accessToken, analysisId);
    expect(await again.first).toBe("data");
    again.close();
    streams[1]?.close();
    await eventually(() => server.services.watchStreams.openCount === 0);
  });

  it("ends the streams of a session when it is signed out", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "metalhead" });
    const stream = openWatch(server, session.accessToken, analysisId);
    expect(await stream.first).toBe("data");
    await createClient({ url: server.url }).auth.logout.mutate({ refreshToken: session.refreshToken });
    expect(await stream.end).toBe("complete");
    await eventually(() => server.services.watchStreams.openCount === 0);
    // And a new one with the revoked token is refused.
    expect(await openWatch(server, session.accessToken, analysisId).first).toBe("UNAUTHORIZED");
  });
});

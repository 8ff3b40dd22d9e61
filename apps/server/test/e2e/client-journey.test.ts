import { createRequire } from "node:module";
import {
  type AnalysisStatus,
  createClient,
  type EventSourceConstructor,
  errorCode,
  signInWithPersona,
  type UnwrappedClient,
  waitForAnalysis,
} from "@unwrapped/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

/**
 * An EventSource that sends no headers, as a browser's does: the `eventsource` package without a custom
 * fetch, loaded from where @unwrapped/client (which depends on it) resolves it.
 */
const requireFromClient = createRequire(createRequire(import.meta.url).resolve("@unwrapped/client"));
const { EventSource: HeaderlessEventSource } = requireFromClient("eventsource") as {
  EventSource: EventSourceConstructor;
};

const STAGE_ORDER = ["queued", "collecting", "profiling", "judging", "saving", "done"];

/** Every status `analysis.watch` delivers, until the stream ends by itself. */
async function collectWatch(client: UnwrappedClient, analysisId: string): Promise<AnalysisStatus[]> {
  const statuses: AnalysisStatus[] = [];
  for await (const event of client.analysis.watch.subscribe({ analysisId })) statuses.push(event.data);
  return statuses;
}

describe("the journey with the real client over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Slow Spotify answers keep the analysis running long enough for the watch to see it move.
    server = await startTestServer({ env: { SANDBOX_LATENCY_MS: "250" } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("signs in, watches an analysis to its verdict, shares, revokes and rotates the link", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "metalhead" });
    expect(session.user.displayName).toBeTruthy();
    expect(session.accessTokenExpiresAt).toBeInstanceOf(Date);
    const client = createClient({
      url: server.url,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
    });

    const begun = await client.analysis.begin.mutate();
    expect(begun.status).toBe("pending");
    const statuses = await collectWatch(client, begun.analysisId);

    expect(statuses.every((status) => status.analysisId === begun.analysisId)).toBe(true);
    expect(statuses.map((status) => status.stage)).toContain("collecting");
    const stages = statuses.map((status) => STAGE_ORDER.indexOf(status.stage));
    expect(stages.every((stage) => stage >= 0)).toBe(true);
    expect(stages).toEqual([...stages].sort((a, b) => a - b));
    const progress = statuses.map((status) => status.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const last = statuses.at(-1);
    expect(last).toMatchObject({ status: "completed", stage: "done", progress: 1, error: null });
    expect(statuses.filter((status) => status.status === "completed")).toHaveLength(1); // ended after it

    const result = await client.analysis.result.query({ analysisId: begun.analysisId });
    expect(result.label).toMatch(/^[A-Z0-9&'-]+( [A-Z0-9&'-]+){1,3}$/);
    expect(result.analyzedAt).toBeInstanceOf(Date);
    const shareToken = result.shareToken ?? "";
    expect(result.shareUrl).toBe(`${server.url}/s/${shareToken}`);

    const anonymous = createClient({ url: server.url });
    const shared = await anonymous.share.get.query({ token: shareToken });
    expect(shared).toMatchObject({ label: result.label, description: result.description });
    expect(shared.analyzedAt).toBeInstanceOf(Date);
    const page = await fetch(`${server.url}/s/${shareToken}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(result.label);

    await expect(client.share.revoke.mutate({ analysisId: begun.analysisId })).resolves.toEqual({ ok: true });
    expect(await anonymous.share.get.query({ token: shareToken }).catch(errorCode)).toBe("NOT_FOUND");
    const revokedPage = await fetch(`${server.url}/s/${shareToken}`);
    expect(revokedPage.status).toBe(404);
    await revokedPage.body?.cancel();
    expect((await client.analysis.result.query()).shareUrl).toBeNull();

    const rotated = await client.share.rotate.mutate({ analysisId: begun.analysisId });
    expect(rotated.shareToken).not.toBe(shareToken);
    expect(rotated.shareUrl).toBe(`${server.url}/s/${rotated.shareToken}`);
    await expect(anonymous.share.get.query({ token: rotated.shareToken })).resolves.toMatchObject({
      label: result.label,
    });
    const rotatedPage = await fetch(rotated.shareUrl);
    expect(rotatedPage.status).toBe(200);
    await rotatedPage.body?.cancel();
  });

  it("subscribes through a header-less EventSource, the access token travelling in connectionParams", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "new-listener" });
    const opened: string[] = [];
    class RecordingEventSource extends HeaderlessEventSource {
      constructor(url: string, init?: { withCredentials?: boolean }) {
        opened.push(url);
        super(url, init);
      }
    }
    const client = createClient({
      url: server.url,
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      EventSource: RecordingEventSource,
    });
    const begun = await client.analysis.begin.mutate();
    await expect(waitForAnalysis(client, { analysisId: begun.analysisId })).resolves.toMatchObject({
      status: "completed",
    });
    expect(opened).toHaveLength(1);
    const params = new URL(opened[0] ?? "").searchParams.get("connectionParams") ?? "";
    expect(JSON.parse(params)).toEqual({ accessToken: session.accessToken });
    expect(opened[0]).not.toContain(session.refreshToken);
  });

  it("batches concurrent queries into one HTTP request", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "chart-pop" });
    const requests: string[] = [];
    const client = createClient({
      url: server.url,
      accessToken: session.accessToken,
      fetch: (input, init) => {
        requests.push(String(input));
        return fetch(input, init);
      },
    });
    const [me, health, history] = await Promise.all([
      client.auth.me.query(),
      client.health.check.query(),
      client.analysis.history.query({ limit: 5 }),
    ]);
    expect(me.id).toBe(session.user.id);
    expect(health.status).toBe("ok");
    expect(history.items).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain("auth.me,health.check,analysis.history");
  });

  it("answers a missing token with UNAUTHORIZED and an unknown analysis with NOT_FOUND", async () => {
    const session = await signInWithPersona({ url: server.url, persona: "hip-hop-head" });
    const client = createClient({ url: server.url, accessToken: session.accessToken });
    expect(await createClient({ url: server.url }).auth.me.query().catch(errorCode)).toBe("UNAUTHORIZED");
    expect(
      await client.analysis.status
        .query({ analysisId: "00000000-0000-4000-8000-000000000000" })
        .catch(errorCode),
    ).toBe("NOT_FOUND");
  });

  it("ends a watch of someone else's or an unknown analysis with NOT_FOUND, not endless reconnects", async () => {
    const owner = await signInWithPersona({ url: server.url, persona: "chart-pop" });
    const ownersAnalysis = await createClient({
      url: server.url,
      accessToken: owner.accessToken,
    }).analysis.begin.mutate();
    const stranger = await signInWithPersona({ url: server.url, persona: "indie-obscurist" });
    const client = createClient({ url: server.url, accessToken: stranger.accessToken });
    for (const analysisId of [ownersAnalysis.analysisId, "00000000-0000-4000-8000-000000000000"]) {
      const outcome = await new Promise<string>((resolve) => {
        const subscription = client.analysis.watch.subscribe(
          { analysisId },
          {
            onData: () => resolve("data"),
            onError: (error) => {
              subscription.unsubscribe();
              resolve(errorCode(error) ?? "unknown");
            },
          },
        );
      });
      expect(outcome).toBe("NOT_FOUND");
    }
  });
});

import type { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@unwrapped/api";
import { eventually, memoryLogger } from "@unwrapped/services/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginCode, startTestServer, type TestServer } from "./support/test-server.js";
import { rawClient } from "./support/trpc-client.js";

describe("an analysis over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function signedIn(persona: string) {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, persona),
    });
    return { session, client: rawClient(server.url, session.accessToken) };
  }

  it("begins, completes, and publishes a verdict behind a share link", async () => {
    const { client } = await signedIn("jazz-soul-nostalgic");
    const begun = await client.analysis.begin.mutate();
    expect(begun.status).toBe("pending");
    const done = await eventually(
      async () => {
        const status = await client.analysis.status.query({ analysisId: begun.analysisId });
        return status.status === "completed" || status.status === "failed" ? status : null;
      },
      { timeoutMs: 15_000 },
    );
    expect(done).toMatchObject({ status: "completed", stage: "done", progress: 1, attempts: 1, error: null });

    const result = await client.analysis.result.query();
    expect(result.analysisId).toBe(begun.analysisId);
    expect(result.label).toMatch(/^[A-Z0-9&'-]+( [A-Z0-9&'-]+){1,3}$/);
    const words = result.description.split(/\s+/).filter(Boolean).length;
    expect(words).toBeGreaterThanOrEqual(120);
    expect(words).toBeLessThanOrEqual(400);
    expect(result.judge).toBe("rules");
    expect(result.profile.enoughData).toBe(true);
    expect(result.shareUrl).toBe(`${server.url}/s/${result.shareToken}`);

    const again = await client.analysis.begin.mutate();
    expect(again.analysisId).toBe(begun.analysisId); // idempotent: the latest completed one

    const shared = await rawClient(server.url).share.get.query({ token: result.shareToken ?? "" });
    expect(shared).toMatchObject({ label: result.label, description: result.description });
    expect(JSON.stringify(shared)).not.toMatch(/@example\.com|spotifyId|accessToken/);

    const page = await fetch(result.shareUrl ?? "");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`<meta property="og:url" content="${result.shareUrl}">`);
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(html).toContain(`<meta property="og:image" content="${result.shareUrl}/card.png">`);
    expect(html).toContain("<svg");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("gives a new account an honest not-enough-listening verdict", async () => {
    const { client } = await signedIn("new-listener");
    const begun = await client.analysis.begin.mutate();
    await eventually(async () => (await client.analysis.status.query()).status === "completed", {
      timeoutMs: 15_000,
    });
    const result = await client.analysis.result.query({ analysisId: begun.analysisId });
    expect(result.profile.enoughData).toBe(false);
    expect(result.description.toLowerCase()).toMatch(/not enough|empty|no listening/);
    // Nothing measured, nothing drawn: no scores, and the share page says why.
    expect(result).toMatchObject({ criticalAcclaim: null, mainstream: null });
    const page = await fetch(result.shareUrl ?? "");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Too little listening to place on the chart yet.");
    const shared = await client.share.get.query({ token: result.shareToken ?? "" });
    expect(shared).toMatchObject({ criticalAcclaim: null, mainstream: null });
  });

  it("hides other users' analyses behind NOT_FOUND", async () => {
    const alice = await signedIn("metalhead");
    const bob = await signedIn("chart-pop");
    const begun = await alice.client.analysis.begin.mutate();
    for (const call of [
      () => bob.client.analysis.status.query({ analysisId: begun.analysisId }),
      () => bob.client.analysis.result.query({ analysisId: begun.analysisId }),
      () => bob.client.share.revoke.mutate({ analysisId: begun.analysisId }),
    ]) {
      const error = await call().catch((caught: TRPCClientError<AppRouter>) => caught);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("NOT_FOUND");
    }
  });
});

describe("a demo run with short-lived Spotify tokens (SANDBOX_ACCESS_TOKEN_TTL)", () => {
  const log = memoryLogger("info");
  let server: TestServer;
  beforeAll(async () => {
    // Shorter than the 5-minute refresh margin: every analysis refreshes its Spotify token first.
    server = await startTestServer({
      env: { SANDBOX_ACCESS_TOKEN_TTL: "60", FRESH_ANALYSIS_COOLDOWN_SECONDS: "0" },
      logger: log.logger,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("refreshes the Spotify token on the way and says so in the log, without the token", async () => {
    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "metalhead"),
    });
    const client = rawClient(server.url, session.accessToken);
    for (let run = 0; run < 2; run++) {
      const begun = await client.analysis.begin.mutate({ fresh: true });
      const done = await eventually(
        async () => {
          const status = await client.analysis.status.query({ analysisId: begun.analysisId });
          return status.status === "completed" || status.status === "failed" ? status : null;
        },
        { timeoutMs: 15_000 },
      );
      expect(done).toMatchObject({ status: "completed", error: null });
    }
    const refreshes = log
      .lines()
      .filter((line) => line.includes("refreshed the Spotify access token"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(refreshes).toHaveLength(2);
    expect(refreshes[0]).toMatchObject({ level: 30, userId: session.user.id, refreshTokenRotated: false });
    // The sandbox rotates every second refresh; the service stored the new token and went on.
    expect(refreshes[1]).toMatchObject({ refreshTokenRotated: true });
    expect(log.lines().join("\n")).not.toMatch(/"(access|refresh)_?[Tt]oken":"(BQ|AQ)/);
  });
});

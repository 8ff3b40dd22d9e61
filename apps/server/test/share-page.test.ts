import { analyses, users } from "@unwrapped/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.js";

const HOSTILE_NAME = `<script>alert("pwned")</script> & "friends"`;

describe("GET /s/:token", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function sharedVerdict(token: string, overrides: Partial<typeof analyses.$inferInsert> = {}) {
    const [user] = await server.database.db
      .insert(users)
      .values({
        spotifyAccountId: `hostile-${token}`,
        spotifyId: `hostile-${token}`,
        displayName: HOSTILE_NAME,
      })
      .returning();
    await server.database.db.insert(analyses).values({
      userId: user?.id ?? "",
      status: "completed",
      stage: "done",
      progress: 1,
      maxAttempts: 3,
      judge: "rules",
      label: "LOUD <b>QUIET</b> LISTENER",
      description: `First paragraph about "${HOSTILE_NAME}".\nSecond</p><img src=x onerror=alert(1)> paragraph.`,
      criticalAcclaim: 0.75,
      mainstream: 0.25,
      profile: {
        version: 1,
        counts: { artists: 1, tracks: 1, recentPlays: 0, recentArtists: 0 },
        topArtists: [],
        topTracks: [],
        topGenres: [{ genre: "<i>noise</i>", share: 0.5 }],
        averagePopularity: null,
        weightedPopularity: null,
        obscurity: null,
        artistLoyalty: null,
        genreDiversity: null,
        decades: null,
        explicitShare: null,
        missingSources: [],
        unavailableMetrics: [],
        enoughData: true,
      },
      shareToken: token,
      completedAt: new Date("2026-11-20T10:00:00Z"),
      ...overrides,
    });
  }

  it("renders the verdict with Open Graph and Twitter tags, escaping everything it shows", async () => {
    const token = "hostile-token-0123456789abcdef01";
    await sharedVerdict(token);
    const response = await fetch(`${server.url}/s/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const page = await response.text();
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<b>QUIET");
    expect(page).not.toContain("<i>noise");
    expect(page).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &quot;friends&quot;");
    expect(page).toContain("LOUD &lt;b&gt;QUIET&lt;/b&gt; LISTENER");
    for (const tag of [
      'property="og:title"',
      'property="og:description"',
      'property="og:type"',
      'name="twitter:card"',
    ]) {
      expect(page).toContain(tag);
    }
    expect(page).toContain(`<meta property="og:url" content="${server.url}/s/${token}">`);
    expect(page).toMatch(/<svg[^>]*role="img"/);
    expect(page).toContain('cx="84.0" cy="84.0"'); // mainstream 0.25 -> x = 28 + 0.25·224; acclaim 0.75 -> y = 28 + 0.25·224
    expect(page).toContain("<p>Second&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt; paragraph.</p>");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("says a verdict without scores has too little listening, and draws no point at 50/50", async () => {
    const token = "unscored-token-0123456789abcdef0";
    await sharedVerdict(token, { criticalAcclaim: null, mainstream: null });
    const response = await fetch(`${server.url}/s/${token}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("Too little listening to place on the chart yet.");
    expect(page).not.toMatch(/<svg[^>]*role="img"/);
    expect(page).not.toContain("NaN");
  });

  it("answers 404 pages for unknown, malformed and revoked tokens", async () => {
    const token = "revoked-token-0123456789abcdef01";
    await sharedVerdict(token, { shareRevokedAt: new Date() });
    for (const path of [`/s/${token}`, "/s/unknown-token-0123456789abcdef", "/s/%3Cscript%3E"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain("This verdict is not here");
    }
  });

  it("does not show a verdict that is not completed", async () => {
    const token = "pending-token-0123456789abcdef01";
    await sharedVerdict(token, { status: "failed" });
    expect((await fetch(`${server.url}/s/${token}`)).status).toBe(404);
    await server.database.db.delete(analyses).where(eq(analyses.shareToken, token));
  });
});

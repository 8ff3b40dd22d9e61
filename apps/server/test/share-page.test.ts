import { analyses, users } from "@unwrapped/db";
import { eq } from "drizzle-orm";
import { Parser } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertSharedVerdict, pngDimensions } from "./support/shared-verdicts.js";
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
    const token = "unscored-words-0123456789abcdef0";
    await sharedVerdict(token, { criticalAcclaim: null, mainstream: null });
    const response = await fetch(`${server.url}/s/${token}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("Too little listening to place on the chart yet.");
    expect(page).not.toContain("<circle");
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

  it("gives a link-preview crawler the card image, its size and alt text, and a description from the punchline", async () => {
    const token = "crawler-token-0123456789abcdef01";
    await insertSharedVerdict(server.database.db, { shareToken: token, displayName: HOSTILE_NAME });
    const page = await crawl(`${server.url}/s/${token}`);
    const pageUrl = `${server.url}/s/${token}`;

    expect(page.meta["og:image"]).toBe(`${pageUrl}/card.png`);
    expect(page.meta["og:image:width"]).toBe("1200");
    expect(page.meta["og:image:height"]).toBe("630");
    expect(page.meta["og:image:alt"]).toContain(`${HOSTILE_NAME}'s music taste: NOSTALGIC MILLENNIAL`);
    expect(page.meta["og:image:alt"]).toContain("Guilty pleasures");
    expect(page.meta["twitter:card"]).toBe("summary_large_image");
    expect(page.meta["twitter:image"]).toBe(`${pageUrl}/card.png`);
    expect(page.meta["og:description"]).toBe(
      "NOSTALGIC MILLENNIAL: Nobody needed this much synth-pop in one life.",
    );
    expect(page.meta["og:description"]).not.toContain("diary"); // the verdict's opening sentence

    const image = await fetch(page.meta["og:image"] ?? "");
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(pngDimensions(Buffer.from(await image.arrayBuffer()))).toEqual({ width: 1200, height: 630 });

    const download = page.links.find((link) => link.text === "Download story image");
    expect(download?.download).toBeTruthy();
    const story = await fetch(new URL(download?.href ?? "", pageUrl));
    expect(pngDimensions(Buffer.from(await story.arrayBuffer()))).toEqual({ width: 1080, height: 1920 });
    expect(page.links.find((link) => link.text === "Get your own verdict")?.href).toBe("/");
    expect(page.links.find((link) => link.text === "Compare with my taste")?.href).toBe(`/compare/${token}`);

    // On a phone (one column, document order): the label and the chart come before the long text.
    const order = (what: string) => page.order.indexOf(what);
    expect(order("h1")).toBeLessThan(order("svg"));
    expect(order("svg")).toBeLessThan(order("description"));
    for (const quadrant of [
      "Hidden gems",
      "Crowd-pleasing classics",
      "Basement oddities",
      "Guilty pleasures",
    ]) {
      expect(page.svgText).toContain(quadrant);
    }
    expect(page.circles).toBe(1);
  });

  it("draws the chart without a dot for a listener with too little listening", async () => {
    const token = "unscored-token-0123456789abcdef0";
    await insertSharedVerdict(server.database.db, {
      shareToken: token,
      overrides: { mainstream: null, criticalAcclaim: null },
    });
    const page = await crawl(`${server.url}/s/${token}`);
    expect(page.circles).toBe(0);
    expect(page.svgText).toContain("Hidden gems");
    expect(page.meta["og:image:alt"]).not.toContain("On the chart");
  });
});

/** Reads a page the way a link-preview crawler does: an HTML parser, meta tags by property or name. */
async function crawl(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const meta: Record<string, string> = {};
  const links: { href: string; text: string; download: string | undefined }[] = [];
  const order: string[] = [];
  let svgText = "";
  let circles = 0;
  let inSvg = false;
  let link: { href: string; text: string; download: string | undefined } | null = null;
  const parser = new Parser({
    onopentag(name, attributes) {
      const key = attributes.property ?? attributes.name;
      if (name === "meta" && key && attributes.content !== undefined) meta[key] = attributes.content;
      if (name === "h1" || name === "svg") order.push(name);
      if (name === "section" && attributes.class?.includes("description")) order.push("description");
      if (name === "svg") inSvg = true;
      if (name === "circle") circles += 1;
      if (name === "a") link = { href: attributes.href ?? "", text: "", download: attributes.download };
    },
    ontext(text) {
      if (inSvg) svgText += `${text} `;
      if (link) link.text += text;
    },
    onclosetag(name) {
      if (name === "svg") inSvg = false;
      if (name === "a" && link) {
        links.push({ ...link, text: link.text.trim() });
        link = null;
      }
    },
  });
  parser.write(await response.text());
  parser.end();
  return { meta, links, order, svgText, circles };
}

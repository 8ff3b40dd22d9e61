import { analyses, users } from "@unwrapped/db";
import { Parser } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safePath } from "../src/request-logging.js";
import { pngDimensions } from "./support/shared-verdicts.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const HOSTILE_NAME = `<script>alert("pwned")</script> & "friends"`;

function profile(genre: string, artist: string) {
  return {
    version: 1,
    counts: { artists: 1, tracks: 0, recentPlays: 0, recentArtists: 0 },
    topArtists: [{ id: `id-${artist}`, name: artist, genres: [genre], popularity: 40, imageUrl: null }],
    topTracks: [],
    topGenres: [{ genre, share: 1 }],
    averagePopularity: 40,
    weightedPopularity: 40,
    obscurity: 0.4,
    artistLoyalty: 0.5,
    genreDiversity: 0.1,
    decades: [{ decade: 1990, share: 1 }],
    explicitShare: 0,
    missingSources: [],
    unavailableMetrics: [],
    enoughData: true,
  };
}

describe("GET /m/:token", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function listener(name: string, genre: string, artist: string, shareToken: string) {
    const [user] = await server.database.db
      .insert(users)
      .values({
        spotifyAccountId: `match-${shareToken}`,
        spotifyId: `match-${shareToken}`,
        displayName: name,
      })
      .returning();
    await server.database.db.insert(analyses).values({
      userId: user?.id ?? "",
      status: "completed",
      stage: "done",
      progress: 1,
      maxAttempts: 3,
      judge: "rules",
      label: `${genre.toUpperCase()} <b>FAN</b>`,
      description: "A verdict.",
      criticalAcclaim: 0.6,
      mainstream: 0.4,
      profile: profile(genre, artist),
      shareToken,
      completedAt: new Date("2026-11-20T10:00:00Z"),
    });
    return user?.id ?? "";
  }

  it("renders the match, escaped; 404 once revoked, and the old link stays dead after rotation", async () => {
    const me = await listener(
      HOSTILE_NAME,
      "<i>noise</i>",
      "Shared <Artist>",
      "match-page-me-0123456789abcdef",
    );
    await listener("Sam", "<i>noise</i>", "Shared <Artist>", "match-page-friend-0123456789abc");
    const match = await server.services.matches.create(me, { shareToken: "match-page-friend-0123456789abc" });
    const token = match.shareToken ?? "";

    const response = await fetch(`${server.url}/m/${token}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<b>FAN");
    expect(page).not.toContain("<i>noise");
    expect(page).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;");
    expect(page).toContain(`${Math.round(match.compatibility * 100)}%`);
    expect(page).toContain("Shared &lt;Artist&gt;");
    expect(page).toContain(`<meta property="og:url" content="${server.url}/m/${token}">`);
    expect(page).not.toContain("match-page-friend-0123456789abc");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");

    await server.services.matches.revokeShare(me, match.matchId);
    const revoked = await fetch(`${server.url}/m/${token}`);
    expect(revoked.status).toBe(404);
    expect(await revoked.text()).toContain("This match is not here");

    const rotated = await server.services.matches.rotateShare(me, match.matchId);
    expect((await fetch(`${server.url}/m/${rotated.shareToken}`)).status).toBe(200);
    expect((await fetch(`${server.url}/m/${token}`)).status).toBe(404);
  });

  it("draws the match's card and story, gives a crawler their meta, and answers 404 once the link is revoked or rotated", async () => {
    const me = await listener("Max", "drone", "Sunn Zero", "match-card-me-0123456789abcdef0");
    await listener("Wren", "drone", "Sunn Zero", "match-card-friend-0123456789abc");
    const match = await server.services.matches.create(me, { shareToken: "match-card-friend-0123456789abc" });
    const token = match.shareToken ?? "";
    const pageUrl = `${server.url}/m/${token}`;

    // The page as a link-preview crawler reads it: the meta tags of its head.
    const meta: Record<string, string> = {};
    const parser = new Parser({
      onopentag(name, attributes) {
        const key = attributes.property ?? attributes.name;
        if (name === "meta" && key && attributes.content !== undefined) meta[key] = attributes.content;
      },
    });
    parser.write(await (await fetch(pageUrl)).text());
    parser.end();
    expect(meta["og:image"]).toBe(`${pageUrl}/card.png`);
    expect(meta["og:image:type"]).toBe("image/png");
    expect(meta["og:image:width"]).toBe("1200");
    expect(meta["og:image:height"]).toBe("630");
    expect(meta["og:image:alt"]).toContain(`${Math.round(match.compatibility * 100)}% compatible`);
    expect(meta["twitter:card"]).toBe("summary_large_image");
    expect(meta["twitter:image"]).toBe(`${pageUrl}/card.png`);

    for (const [size, dimensions] of [
      ["card", { width: 1200, height: 630 }],
      ["story", { width: 1080, height: 1920 }],
    ] as const) {
      const response = await fetch(`${pageUrl}/${size}.png`);
      expect(response.status, size).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(pngDimensions(Buffer.from(await response.arrayBuffer()))).toEqual(dimensions);
      const etag = response.headers.get("etag") ?? "";
      const again = await fetch(`${pageUrl}/${size}.png`, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
    }

    const rotated = await server.services.matches.rotateShare(me, match.matchId);
    expect((await fetch(`${pageUrl}/card.png`)).status).toBe(404);
    expect((await fetch(`${server.url}/m/${rotated.shareToken}/story.png`)).status).toBe(200);
    await server.services.matches.revokeShare(me, match.matchId);
    for (const size of ["card", "story"]) {
      expect((await fetch(`${server.url}/m/${rotated.shareToken}/${size}.png`)).status, size).toBe(404);
    }
    expect((await fetch(`${server.url}/m/%3Cscript%3E/card.png`)).status).toBe(404);
  });

  it("answers 404 pages for unknown and malformed tokens", async () => {
    for (const path of ["/m/unknown-token-0123456789abcdef", "/m/%3Cscript%3E"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain("This match is not here");
    }
  });
});

describe("request logs", () => {
  it("never carry a share or match token", () => {
    expect(safePath("/m/abcdefghijklmnopqrstuvwxyz012345?x=1")).toBe("/m/[redacted]");
    expect(safePath("/s/abcdefghijklmnopqrstuvwxyz012345/card.png")).toBe("/s/[redacted]/card.png");
    expect(safePath("/trpc/match.create")).toBe("/trpc/match.create");
  });
});

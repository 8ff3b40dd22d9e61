import { analyses, shareCards, users } from "@unwrapped/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, insertSharedVerdict, pngDimensions } from "./support/shared-verdicts.js";
import { startTestServer, type TestServer } from "./support/test-server.js";
import { rawClient } from "./support/trpc-client.js";

let counter = 0;
const nextToken = () => `card-token-${String(counter++).padStart(4, "0")}-0123456789abcdef`;

describe("share images", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers });
  const png = async (response: Response) => Buffer.from(await response.arrayBuffer());
  const storedRows = (analysisId: string) =>
    server.database.db
      .select({ size: shareCards.size, contentKey: shareCards.contentKey, createdAt: shareCards.createdAt })
      .from(shareCards)
      .where(eq(shareCards.analysisId, analysisId));

  it("draws the link-preview card at 1200×630 and the story at 1080×1920, as PNGs", async () => {
    const token = nextToken();
    await insertSharedVerdict(server.database.db, { shareToken: token });
    for (const [size, dimensions] of [
      ["card", { width: 1200, height: 630 }],
      ["story", { width: 1080, height: 1920 }],
    ] as const) {
      const response = await get(`/s/${token}/${size}.png`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(pngDimensions(await png(response))).toEqual(dimensions);
    }
  });

  it("answers 304 to a revalidation with the current ETag, and draws each image once", async () => {
    const token = nextToken();
    const { analysisId } = await insertSharedVerdict(server.database.db, { shareToken: token });
    const first = await get(`/s/${token}/card.png`);
    const etag = first.headers.get("etag") ?? "";
    const bytes = await png(first);
    const [stored] = await storedRows(analysisId);
    const revalidated = await get(`/s/${token}/card.png`, { "if-none-match": etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("etag")).toBe(etag);
    const again = await get(`/s/${token}/card.png`, { "if-none-match": '"something-else"' });
    expect(again.status).toBe(200);
    expect(again.headers.get("etag")).toBe(etag);
    expect((await png(again)).equals(bytes)).toBe(true);
    expect(await storedRows(analysisId)).toEqual([stored]);
  });

  it("draws a new image when the verdict or the name on it changes, and only then", async () => {
    const token = nextToken();
    const { analysisId, userId } = await insertSharedVerdict(server.database.db, { shareToken: token });
    const before = await get(`/s/${token}/card.png`);
    const beforeTag = before.headers.get("etag");
    const beforeBytes = await png(before);

    await server.database.db
      .update(analyses)
      // As the queue writes a row: every change bumps its version.
      .set({ label: "CHAOTIC NEUTRAL", mainstream: 0.1, criticalAcclaim: 0.9, version: sql`version + 1` })
      .where(eq(analyses.id, analysisId));
    const afterVerdict = await get(`/s/${token}/card.png`, { "if-none-match": beforeTag ?? "" });
    expect(afterVerdict.status).toBe(200);
    expect(afterVerdict.headers.get("etag")).not.toBe(beforeTag);
    expect((await png(afterVerdict)).equals(beforeBytes)).toBe(false);

    await server.database.db.update(users).set({ displayName: "Robin B." }).where(eq(users.id, userId));
    const afterName = await get(`/s/${token}/card.png`);
    expect(afterName.headers.get("etag")).not.toBe(afterVerdict.headers.get("etag"));

    // A new version of the row with the same content: looked at again, not drawn again.
    const [drawn] = await storedRows(analysisId);
    await server.database.db
      .update(analyses)
      .set({ label: "CHAOTIC NEUTRAL", version: sql`version + 1` })
      .where(eq(analyses.id, analysisId));
    const unchanged = await get(`/s/${token}/card.png`);
    expect(unchanged.headers.get("etag")).toBe(afterName.headers.get("etag"));
    const rows = await storedRows(analysisId);
    expect(rows).toEqual([drawn]);
    expect(`"${rows[0]?.contentKey}"`).toBe(afterName.headers.get("etag"));
  });

  it("404s a revoked link's images at once, and the old link's images after a rotation", async () => {
    const token = nextToken();
    const { analysisId, userId } = await insertSharedVerdict(server.database.db, { shareToken: token });
    const client = rawClient(server.url, await accessTokenFor(server.services, userId));
    expect((await get(`/s/${token}/card.png`)).status).toBe(200);
    expect((await get(`/s/${token}/story.png`)).status).toBe(200);
    expect((await get(`/s/${token}`)).status).toBe(200); // the page, now in its cache too

    await client.share.revoke.mutate({ analysisId });
    expect((await get(`/s/${token}`)).status).toBe(404);
    for (const size of ["card", "story"]) {
      const response = await get(`/s/${token}/${size}.png`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: "not_found" });
    }

    const rotated = await client.share.rotate.mutate({ analysisId });
    expect((await get(`/s/${token}/card.png`)).status).toBe(404);
    expect((await get(`/s/${token}`)).status).toBe(404);
    expect((await get(`/s/${rotated.shareToken}`)).status).toBe(200);
    const fresh = await get(`/s/${rotated.shareToken}/card.png`);
    expect(fresh.status).toBe(200);
    expect(pngDimensions(await png(fresh))).toEqual({ width: 1200, height: 630 });
  });

  it("answers 404 for unknown and malformed tokens, and for a verdict that is not completed", async () => {
    const token = nextToken();
    await insertSharedVerdict(server.database.db, { shareToken: token, overrides: { status: "failed" } });
    for (const path of [
      `/s/${token}/card.png`,
      "/s/unknown-token-0123456789abcdef/card.png",
      "/s/%3Cscript%3E/story.png",
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it("gives owners their images with a bearer token, also while sharing is off", async () => {
    const token = nextToken();
    const { analysisId, userId } = await insertSharedVerdict(server.database.db, { shareToken: token });
    const accessToken = await accessTokenFor(server.services, userId);
    await rawClient(server.url, accessToken).share.revoke.mutate({ analysisId });
    const bearer = { authorization: `Bearer ${accessToken}` };

    const story = await get(`/analysis/${analysisId}/story.png`, bearer);
    expect(story.status).toBe(200);
    expect(story.headers.get("cache-control")).toBe("no-cache");
    expect(pngDimensions(await png(story))).toEqual({ width: 1080, height: 1920 });
    const card = await get(`/analysis/${analysisId}/card.png`, bearer);
    expect(pngDimensions(await png(card))).toEqual({ width: 1200, height: 630 });
    expect(
      (
        await get(`/analysis/${analysisId}/card.png`, {
          ...bearer,
          "if-none-match": card.headers.get("etag") ?? "",
        })
      ).status,
    ).toBe(304);
  });

  it("answers 401 without or with a bad token, and 404 for another listener's or an unknown analysis", async () => {
    const { analysisId } = await insertSharedVerdict(server.database.db, { shareToken: nextToken() });
    const stranger = await insertSharedVerdict(server.database.db, { shareToken: nextToken() });
    const strangerToken = await accessTokenFor(server.services, stranger.userId);

    const missing = await get(`/analysis/${analysisId}/card.png`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(
      (await get(`/analysis/${analysisId}/card.png`, { authorization: "Bearer not-a-jwt" })).status,
    ).toBe(401);
    for (const id of [analysisId, "00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const response = await get(`/analysis/${id}/story.png`, { authorization: `Bearer ${strangerToken}` });
      expect(response.status, id).toBe(404);
      const body = await response.text();
      expect(body).not.toMatch(/select|stack|at \//i);
    }
  });
});

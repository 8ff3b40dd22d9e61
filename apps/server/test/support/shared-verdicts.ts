import { analyses, type Database, users } from "@unwrapped/db";
import type { Services } from "@unwrapped/services";

/** A listener with one completed, shared analysis, inserted as the worker would leave it. */
export async function insertSharedVerdict(
  db: Database,
  options: {
    shareToken: string;
    displayName?: string | null;
    overrides?: Partial<typeof analyses.$inferInsert>;
  },
) {
  const [user] = await db
    .insert(users)
    .values({
      spotifyAccountId: `listener-${options.shareToken}`,
      spotifyId: `listener-${options.shareToken}`,
      displayName: options.displayName === undefined ? "Robin" : options.displayName,
    })
    .returning();
  if (!user) throw new Error("no user inserted");
  const [analysis] = await db
    .insert(analyses)
    .values({
      userId: user.id,
      status: "completed",
      stage: "done",
      progress: 1,
      maxAttempts: 3,
      judge: "rules",
      label: "NOSTALGIC MILLENNIAL",
      description:
        "Your listening reads like a diary you never meant to publish. You have replayed the same four albums since 2009 and call it loyalty. Nobody needed this much synth-pop in one life.",
      criticalAcclaim: 0.3,
      mainstream: 0.7,
      profile: {
        version: 1,
        counts: { artists: 3, tracks: 3, recentPlays: 0, recentArtists: 0 },
        topArtists: [
          { id: "a1", name: "Taylor Swift", genres: ["pop"], popularity: 90, imageUrl: null },
          { id: "a2", name: "Radiohead", genres: ["art rock"], popularity: 80, imageUrl: null },
          { id: "a3", name: "Björk", genres: ["art pop"], popularity: 70, imageUrl: null },
        ],
        topTracks: [],
        topGenres: [
          { genre: "synth-pop", share: 0.5 },
          { genre: "art rock", share: 0.3 },
          { genre: "emo", share: 0.2 },
        ],
        averagePopularity: 80,
        weightedPopularity: 80,
        obscurity: 0.2,
        artistLoyalty: 0.5,
        genreDiversity: 0.4,
        decades: null,
        explicitShare: null,
        missingSources: [],
        unavailableMetrics: [],
        enoughData: true,
      },
      shareToken: options.shareToken,
      completedAt: new Date("2026-11-20T10:00:00Z"),
      ...options.overrides,
    })
    .returning({ id: analyses.id });
  if (!analysis) throw new Error("no analysis inserted");
  return { userId: user.id, analysisId: analysis.id };
}

/** A signed-in session of a user, the way the web app gets one (login code, then exchange). */
export async function accessTokenFor(services: Services, userId: string): Promise<string> {
  const code = await services.sessions.createLoginCode(userId);
  return (await services.sessions.exchangeLoginCode(code)).accessToken;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG (from its IHDR chunk), after checking its signature. */
export function pngDimensions(png: Buffer): { width: number; height: number } {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error("not a PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

import { METRICS, SOURCES } from "@unwrapped/services";
import { z } from "zod";

const AnalysisId = z.uuid("analysisId must be a UUID");

export const BeginAnalysisInput = z.object({ fresh: z.boolean().optional() }).optional();
export const AnalysisLookupInput = z.object({ analysisId: AnalysisId.optional() }).optional();
export const WatchAnalysisInput = z
  .object({
    analysisId: AnalysisId.optional(),
    /** Set by the SSE client on reconnect: events up to this one are not sent again. */
    lastEventId: z.string().max(32).nullish(),
  })
  .optional();
export const HistoryInput = z
  .object({
    cursor: z.string().max(256).optional(),
    limit: z.number().int().min(1).max(50).optional(),
  })
  .optional();

export const AnalysisStatus = z.object({
  analysisId: z.uuid(),
  status: z.enum(["pending", "processing", "completed", "failed"]),
  stage: z.enum(["queued", "collecting", "profiling", "judging", "saving", "done"]),
  progress: z.number().min(0).max(1),
  attempts: z.number().int().min(0),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  completedAt: z.date().nullable(),
});

const Share = z.number().min(0).max(1);

export const TasteProfile = z.object({
  version: z.literal(1),
  counts: z.object({
    artists: z.number().int(),
    tracks: z.number().int(),
    recentPlays: z.number().int(),
    recentArtists: z.number().int(),
  }),
  topArtists: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        genres: z.array(z.string()).readonly(),
        popularity: z.number().nullable(),
        imageUrl: z.string().nullable(),
      }),
    )
    .readonly(),
  topTracks: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        artists: z.array(z.string()).readonly(),
        releaseYear: z.number().nullable(),
      }),
    )
    .readonly(),
  topGenres: z
    .array(z.object({ genre: z.string(), share: Share }))
    .readonly()
    .nullable(),
  averagePopularity: z.number().nullable(),
  weightedPopularity: z.number().nullable(),
  obscurity: Share.nullable(),
  artistLoyalty: Share.nullable(),
  genreDiversity: Share.nullable(),
  decades: z
    .array(z.object({ decade: z.number().int(), share: Share }))
    .readonly()
    .nullable(),
  explicitShare: Share.nullable(),
  missingSources: z.array(z.enum(SOURCES)).readonly(),
  unavailableMetrics: z.array(z.enum(METRICS)).readonly(),
  enoughData: z.boolean(),
});

export const AnalysisResult = z.object({
  analysisId: z.uuid(),
  label: z.string(),
  description: z.string(),
  criticalAcclaim: Share,
  mainstream: Share,
  judge: z.enum(["llm", "rules"]),
  profile: TasteProfile,
  /** null while sharing is revoked (share.rotate makes a new link). */
  shareToken: z.string().nullable(),
  shareUrl: z.string().nullable(),
  analyzedAt: z.date(),
});

export const HistoryPage = z.object({
  items: z.array(AnalysisStatus).readonly(),
  nextCursor: z.string().nullable(),
});

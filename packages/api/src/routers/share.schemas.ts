import { z } from "zod";

export const ShareTokenInput = z.object({ token: z.string().min(1).max(128) });
export const ShareAnalysisInput = z.object({ analysisId: z.uuid("analysisId must be a UUID") });

const Share = z.number().min(0).max(1);

export const PublicProfile = z.object({
  topGenres: z
    .array(z.object({ genre: z.string(), share: Share }))
    .readonly()
    .nullable(),
  topArtists: z
    .array(
      z.object({ name: z.string(), genres: z.array(z.string()).readonly(), imageUrl: z.string().nullable() }),
    )
    .readonly(),
  topTracks: z.array(z.object({ name: z.string(), artists: z.array(z.string()).readonly() })).readonly(),
  decades: z
    .array(z.object({ decade: z.number().int(), share: Share }))
    .readonly()
    .nullable(),
  averagePopularity: z.number().nullable(),
  obscurity: Share.nullable(),
  artistLoyalty: Share.nullable(),
  genreDiversity: Share.nullable(),
  explicitShare: Share.nullable(),
  counts: z.object({
    artists: z.number().int(),
    tracks: z.number().int(),
    recentPlays: z.number().int(),
    recentArtists: z.number().int(),
  }),
});

export const SharedVerdict = z.object({
  label: z.string(),
  description: z.string(),
  criticalAcclaim: Share,
  mainstream: Share,
  profile: PublicProfile,
  displayName: z.string().nullable(),
  analyzedAt: z.date(),
});

export const RevokeResult = z.object({ ok: z.literal(true) });
export const RotateResult = z.object({ shareToken: z.string(), shareUrl: z.string() });

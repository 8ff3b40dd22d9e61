import { z } from "zod";
import {
  DecadeShare,
  GenreShare,
  ProfileCounts,
  Share,
  type TasteProfile,
} from "../analysis/taste-profile.js";
import { Timestamp } from "../timestamp.js";

/** What a share link shows: nothing that identifies the account beyond its display name. */
export const PublicProfile = z.object({
  topGenres: z.array(GenreShare).readonly().nullable(),
  topArtists: z
    .array(
      z.object({ name: z.string(), genres: z.array(z.string()).readonly(), imageUrl: z.string().nullable() }),
    )
    .readonly(),
  topTracks: z.array(z.object({ name: z.string(), artists: z.array(z.string()).readonly() })).readonly(),
  decades: z.array(DecadeShare).readonly().nullable(),
  averagePopularity: z.number().nullable(),
  obscurity: Share.nullable(),
  artistLoyalty: Share.nullable(),
  genreDiversity: Share.nullable(),
  explicitShare: Share.nullable(),
  counts: ProfileCounts,
});
export type PublicProfile = z.infer<typeof PublicProfile>;

export const SharedVerdict = z.object({
  label: z.string(),
  description: z.string(),
  /** null when there was too little listening to judge. */
  criticalAcclaim: Share.nullable(),
  mainstream: Share.nullable(),
  profile: PublicProfile,
  displayName: z.string().nullable(),
  analyzedAt: Timestamp,
});
export type SharedVerdict = z.infer<typeof SharedVerdict>;

/** A share link of an analysis. */
export const ShareLink = z.object({ shareToken: z.string(), shareUrl: z.string() });
export type ShareLink = z.infer<typeof ShareLink>;

export function toPublicProfile(profile: TasteProfile): PublicProfile {
  return {
    topGenres: profile.topGenres,
    topArtists: profile.topArtists.map((artist) => ({
      name: artist.name,
      genres: artist.genres,
      imageUrl: artist.imageUrl,
    })),
    topTracks: profile.topTracks.map((track) => ({ name: track.name, artists: track.artists })),
    decades: profile.decades,
    averagePopularity: profile.averagePopularity,
    obscurity: profile.obscurity,
    artistLoyalty: profile.artistLoyalty,
    genreDiversity: profile.genreDiversity,
    explicitShare: profile.explicitShare,
    counts: profile.counts,
  };
}

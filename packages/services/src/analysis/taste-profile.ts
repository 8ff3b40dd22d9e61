import { z } from "zod";
import { FAMILY_NAMES } from "./rules-judge/genre-families.js";
import { SOURCES } from "./types.js";

/**
 * The listener's taste in numbers, as the profiler computes it, `analyses.profile` stores it and clients
 * receive it: the one definition of the shape, its TypeScript type inferred from it.
 */

/** Metrics the profiler computes; any of them can be unavailable when Spotify withheld its inputs. */
export const METRICS = [
  "topGenres",
  "genreFamilies",
  "averagePopularity",
  "weightedPopularity",
  "obscurity",
  "artistLoyalty",
  "genreDiversity",
  "decades",
  "explicitShare",
] as const;
export type MetricName = (typeof METRICS)[number];

/** A share of something, 0..1. */
export const Share = z.number().min(0).max(1);

export const GenreShare = z.object({
  genre: z.string(),
  /** Share of genre weight, 0..1; the shares of all genres sum to 1. */
  share: Share,
});
export type GenreShare = z.infer<typeof GenreShare>;

/** A genre family (docs/verdicts.md lists which genres belong to which) and its share of all genre weight. */
export const FamilyShare = z.object({
  family: z.enum(FAMILY_NAMES),
  share: Share,
});
export type FamilyShare = z.infer<typeof FamilyShare>;

export const DecadeShare = z.object({
  /** The decade's first year: 1990 for the 1990s. */
  decade: z.number().int(),
  share: Share,
});
export type DecadeShare = z.infer<typeof DecadeShare>;

export const ProfileArtist = z.object({
  id: z.string(),
  name: z.string(),
  genres: z.array(z.string()).readonly(),
  popularity: z.number().nullable(),
  imageUrl: z.string().nullable(),
});
export type ProfileArtist = z.infer<typeof ProfileArtist>;

export const ProfileTrack = z.object({
  id: z.string(),
  name: z.string(),
  artists: z.array(z.string()).readonly(),
  releaseYear: z.number().nullable(),
});
export type ProfileTrack = z.infer<typeof ProfileTrack>;

export const ProfileCounts = z.object({
  /** Distinct artists across the top-artist lists. */
  artists: z.number().int(),
  /** Distinct tracks across the top-track lists. */
  tracks: z.number().int(),
  recentPlays: z.number().int(),
  /** Distinct artists in recent plays. */
  recentArtists: z.number().int(),
});

/** A metric is null exactly when it is listed in `unavailableMetrics`. */
export const TasteProfile = z.object({
  version: z.literal(1),
  counts: ProfileCounts,
  /** The listener's most characteristic artists, best first (at most 10). */
  topArtists: z.array(ProfileArtist).readonly(),
  /** The listener's most characteristic tracks, best first (at most 10). */
  topTracks: z.array(ProfileTrack).readonly(),
  /** Best first, at most 10; shares are over all genres, so they may sum to less than 1 here. */
  topGenres: z.array(GenreShare).readonly().nullable(),
  /**
   * Every genre family the listener's genres belong to, largest share first (shares over all genres, so
   * they sum to 1). Null without genres; absent from profiles stored before it existed (read as null).
   */
  genreFamilies: z.array(FamilyShare).readonly().nullable().default(null),
  /** Mean artist and track popularity, 0..100. */
  averagePopularity: z.number().nullable(),
  /** Rank-weighted popularity, 0..100 (higher-ranked items count more). */
  weightedPopularity: z.number().nullable(),
  /** 0..1, 1 = entirely unknown artists. */
  obscurity: Share.nullable(),
  /** 0..1, how much of the all-time top artists are still in the last month's top. */
  artistLoyalty: Share.nullable(),
  /** 0..1, normalised Shannon entropy over genre families (0: one family, 1: evenly over all of them). */
  genreDiversity: Share.nullable(),
  /** Release decades of the listener's tracks, oldest first; shares sum to 1. */
  decades: z.array(DecadeShare).readonly().nullable(),
  /** 0..1 share of tracks marked explicit. */
  explicitShare: Share.nullable(),
  missingSources: z.array(z.enum(SOURCES)).readonly(),
  unavailableMetrics: z.array(z.enum(METRICS)).readonly(),
  /** false for a listener with too little data for a real verdict (a new account). */
  enoughData: z.boolean(),
});
export type TasteProfile = z.infer<typeof TasteProfile>;

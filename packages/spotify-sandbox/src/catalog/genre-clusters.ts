import { GENRE_CLUSTER_LIST } from "./data/genre-clusters.js";
import type { NamingStyle } from "./naming.js";

/**
 * A corner of the music world: its Spotify genre strings and what its artists and releases typically look
 * like (popularity, era, explicitness, track length). Listeners' tastes are mixes of clusters.
 */
export interface GenreCluster {
  readonly id: string;
  /** Short human label, used in generated listeners' descriptions. */
  readonly label: string;
  readonly style: NamingStyle;
  readonly genres: readonly string[];
  readonly genresPerArtist: readonly [min: number, max: number];
  /** Share of artists Spotify has not classified (`genres: []`). */
  readonly unclassifiedShare: number;
  /** Artist popularity range (0..100). */
  readonly popularity: readonly [min: number, max: number];
  /** Years in which artists of this cluster start releasing. */
  readonly debutYears: readonly [from: number, to: number];
  /** How many years an artist keeps releasing. */
  readonly careerYears: readonly [min: number, max: number];
  readonly explicitShare: number;
  readonly durationSeconds: readonly [min: number, max: number];
  readonly albumTypeWeights: {
    readonly album: number;
    readonly single: number;
    readonly compilation: number;
  };
  /** Share of tracks with a featured second artist. */
  readonly featureShare: number;
  /** Markets where artists of the cluster usually come from (ISRC country codes). */
  readonly origins: readonly string[];
}

/** Releases never go past this year, so the data does not depend on the clock. */
export const LATEST_RELEASE_YEAR = 2025;

export type ClusterId = string;

export const GENRE_CLUSTERS: ReadonlyMap<ClusterId, GenreCluster> = new Map(
  GENRE_CLUSTER_LIST.map((cluster) => [cluster.id, cluster]),
);

/** Every cluster id, for generated listeners that pick their own mix. */
export const CLUSTER_IDS: readonly ClusterId[] = [...GENRE_CLUSTERS.keys()];

export function genreCluster(id: ClusterId): GenreCluster {
  const cluster = GENRE_CLUSTERS.get(id);
  if (!cluster) throw new RangeError(`Unknown genre cluster "${id}"`);
  return cluster;
}

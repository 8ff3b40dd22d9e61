/**
 * The data the analysis pipeline passes between its steps. Spotify responses are parsed (zod) into these
 * camelCase shapes at the client boundary; a field Spotify did not send (development-mode apps lose
 * popularity, followers, sometimes genres) is `null`, never a made-up default.
 */

export const TIME_RANGES = ["short_term", "medium_term", "long_term"] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

export interface Image {
  readonly url: string;
  readonly width: number | null;
  readonly height: number | null;
}

export interface Artist {
  readonly id: string;
  readonly name: string;
  /** null when Spotify did not send genres; [] when it sent an empty list. */
  readonly genres: readonly string[] | null;
  /** 0..100, null when absent (development mode). */
  readonly popularity: number | null;
  readonly followers: number | null;
  readonly imageUrl: string | null;
}

export type ReleaseDatePrecision = "year" | "month" | "day";

export interface Album {
  readonly id: string;
  readonly name: string;
  /** "1981", "1981-12" or "1981-12-15", as Spotify sends it with `releaseDatePrecision`. */
  readonly releaseDate: string | null;
  readonly releaseDatePrecision: ReleaseDatePrecision | null;
  readonly imageUrl: string | null;
}

export interface ArtistReference {
  readonly id: string;
  readonly name: string;
}

export interface Track {
  readonly id: string;
  readonly name: string;
  readonly popularity: number | null;
  readonly explicit: boolean | null;
  readonly durationMs: number | null;
  readonly artists: readonly ArtistReference[];
  readonly album: Album;
}

export interface Play {
  readonly track: Track;
  readonly playedAt: Date;
}

/** The seven sources the collector requests in parallel. */
export const SOURCES = [
  "topArtists.short_term",
  "topArtists.medium_term",
  "topArtists.long_term",
  "topTracks.short_term",
  "topTracks.medium_term",
  "topTracks.long_term",
  "recentlyPlayed",
] as const;
export type SourceName = (typeof SOURCES)[number];

export interface ListeningData {
  /** null for a source that failed (it is then listed in `missingSources`). */
  readonly topArtists: Readonly<Record<TimeRange, readonly Artist[] | null>>;
  readonly topTracks: Readonly<Record<TimeRange, readonly Track[] | null>>;
  readonly recentlyPlayed: readonly Play[] | null;
  readonly missingSources: readonly SourceName[];
}

/** Metrics the profiler computes; any of them can be unavailable when Spotify withheld its inputs. */
export const METRICS = [
  "topGenres",
  "averagePopularity",
  "weightedPopularity",
  "obscurity",
  "artistLoyalty",
  "genreDiversity",
  "decades",
  "explicitShare",
] as const;
export type MetricName = (typeof METRICS)[number];

export interface GenreShare {
  readonly genre: string;
  /** Share of genre weight, 0..1; the shares of all genres sum to 1. */
  readonly share: number;
}

export interface DecadeShare {
  /** The decade's first year: 1990 for the 1990s. */
  readonly decade: number;
  readonly share: number;
}

export interface ProfileArtist {
  readonly id: string;
  readonly name: string;
  readonly genres: readonly string[];
  readonly popularity: number | null;
  readonly imageUrl: string | null;
}

export interface ProfileTrack {
  readonly id: string;
  readonly name: string;
  readonly artists: readonly string[];
  readonly releaseYear: number | null;
}

/**
 * The listener's taste in numbers: plain JSON (stored in `analyses.profile`, returned to clients).
 * A metric is null exactly when it is listed in `unavailableMetrics`.
 */
export interface TasteProfile {
  readonly version: 1;
  readonly counts: {
    /** Distinct artists across the top-artist lists. */
    readonly artists: number;
    /** Distinct tracks across the top-track lists. */
    readonly tracks: number;
    readonly recentPlays: number;
    /** Distinct artists in recent plays. */
    readonly recentArtists: number;
  };
  /** The listener's most characteristic artists, best first (at most 10). */
  readonly topArtists: readonly ProfileArtist[];
  /** The listener's most characteristic tracks, best first (at most 10). */
  readonly topTracks: readonly ProfileTrack[];
  /** Best first, at most 10; shares are over all genres, so they may sum to less than 1 here. */
  readonly topGenres: readonly GenreShare[] | null;
  /** Mean artist and track popularity, 0..100. */
  readonly averagePopularity: number | null;
  /** Rank-weighted popularity, 0..100 (higher-ranked items count more). */
  readonly weightedPopularity: number | null;
  /** 0..1, 1 = entirely unknown artists. */
  readonly obscurity: number | null;
  /** 0..1, how much of the all-time top artists are still in the last month's top. */
  readonly artistLoyalty: number | null;
  /** 0..1, normalised Shannon entropy of the genre distribution. */
  readonly genreDiversity: number | null;
  /** Release decades of the listener's tracks, oldest first; shares sum to 1. */
  readonly decades: readonly DecadeShare[] | null;
  /** 0..1 share of tracks marked explicit. */
  readonly explicitShare: number | null;
  readonly missingSources: readonly SourceName[];
  readonly unavailableMetrics: readonly MetricName[];
  /** false for a listener with too little data for a real verdict (a new account). */
  readonly enoughData: boolean;
}

export interface Verdict {
  /** 2–4 upper-case words. */
  readonly label: string;
  /** 120–400 words. */
  readonly description: string;
  /** 0..1, 1 = critically acclaimed taste. */
  readonly criticalAcclaim: number;
  /** 0..1, 1 = chart-topping. */
  readonly mainstream: number;
  readonly judge: "llm" | "rules";
}

export interface JudgeContext {
  /** The listener's display name, for a personal touch; null when unknown. Never an email. */
  readonly displayName: string | null;
  /** Aborts a judge that calls out (the worker is shutting down). */
  readonly signal?: AbortSignal;
}

export interface Judge {
  judge(profile: TasteProfile, context: JudgeContext): Promise<Verdict>;
}

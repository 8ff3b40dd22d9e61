import type { JudgeKind, VerdictTone } from "@unwrapped/db";
import type { TasteProfile } from "./taste-profile.js";

/**
 * The data the analysis pipeline passes between its steps (the TasteProfile has its own module: it is
 * also a wire shape). Spotify responses are parsed (zod) into these
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

export interface Verdict {
  /** 2–4 upper-case words. */
  readonly label: string;
  /** 120–400 words. */
  readonly description: string;
  /** 0..1, 1 = critically acclaimed taste; null when there is too little listening to judge. */
  readonly criticalAcclaim: number | null;
  /** 0..1, 1 = chart-topping; null when there is too little listening to judge. */
  readonly mainstream: number | null;
  readonly judge: JudgeKind;
  /** The LLM prompt's version (llm-prompt.ts) when an LLM wrote the verdict. */
  readonly promptVersion?: string;
}

export interface JudgeContext {
  /** The listener's display name, for a personal touch; null when unknown. Never an email. */
  readonly displayName: string | null;
  /** The voice the listener asked for; balanced when not given. */
  readonly tone?: VerdictTone;
  /** Called with the description so far while a judge writes it (the LLM judge, streaming). */
  readonly onDraft?: (draft: string) => void;
  /** Aborts a judge that calls out (the worker is shutting down). */
  readonly signal?: AbortSignal;
}

export interface Judge {
  judge(profile: TasteProfile, context: JudgeContext): Promise<Verdict>;
}

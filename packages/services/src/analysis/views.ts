import type { Analysis, AnalysisStageValue, AnalysisStatusValue } from "@unwrapped/db";
import type { DecadeShare, GenreShare, TasteProfile } from "./types.js";

/** AnalysisStatus of API.md. */
export interface AnalysisStatus {
  readonly analysisId: string;
  readonly status: AnalysisStatusValue;
  readonly stage: AnalysisStageValue;
  readonly progress: number;
  readonly attempts: number;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

/** AnalysisResult of API.md. `shareToken`/`shareUrl` are null while sharing is revoked. */
export interface AnalysisResult {
  readonly analysisId: string;
  readonly label: string;
  readonly description: string;
  readonly criticalAcclaim: number;
  readonly mainstream: number;
  readonly judge: "llm" | "rules";
  readonly profile: TasteProfile;
  readonly shareToken: string | null;
  readonly shareUrl: string | null;
  readonly analyzedAt: Date;
}

/** What a share link shows: nothing that identifies the account beyond its display name. */
export interface PublicProfile {
  readonly topGenres: readonly GenreShare[] | null;
  readonly topArtists: readonly {
    readonly name: string;
    readonly genres: readonly string[];
    readonly imageUrl: string | null;
  }[];
  readonly topTracks: readonly { readonly name: string; readonly artists: readonly string[] }[];
  readonly decades: readonly DecadeShare[] | null;
  readonly averagePopularity: number | null;
  readonly obscurity: number | null;
  readonly artistLoyalty: number | null;
  readonly genreDiversity: number | null;
  readonly explicitShare: number | null;
  readonly counts: TasteProfile["counts"];
}

export interface SharedVerdict {
  readonly label: string;
  readonly description: string;
  readonly criticalAcclaim: number;
  readonly mainstream: number;
  readonly profile: PublicProfile;
  readonly displayName: string | null;
  readonly analyzedAt: Date;
}

export const TERMINAL_STATUSES: readonly AnalysisStatusValue[] = ["completed", "failed"];

type StatusColumns = Pick<
  Analysis,
  | "id"
  | "status"
  | "stage"
  | "progress"
  | "attempts"
  | "errorCode"
  | "errorMessage"
  | "createdAt"
  | "startedAt"
  | "completedAt"
>;

export function toAnalysisStatus(row: StatusColumns): AnalysisStatus {
  return {
    analysisId: row.id,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    attempts: row.attempts,
    error: row.errorCode
      ? { code: row.errorCode, message: row.errorMessage ?? "The analysis failed." }
      : null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
  };
}

export function shareUrlFor(publicUrl: string, token: string): string {
  return `${publicUrl}/s/${token}`;
}

export function toAnalysisResult(row: Analysis, publicUrl: string): AnalysisResult {
  const shared = row.shareToken !== null && row.shareRevokedAt === null;
  return {
    analysisId: row.id,
    label: row.label ?? "",
    description: row.description ?? "",
    criticalAcclaim: row.criticalAcclaim ?? 0,
    mainstream: row.mainstream ?? 0,
    judge: row.judge ?? "rules",
    profile: row.profile as TasteProfile,
    shareToken: shared ? row.shareToken : null,
    shareUrl: shared && row.shareToken ? shareUrlFor(publicUrl, row.shareToken) : null,
    analyzedAt: row.completedAt ?? row.createdAt,
  };
}

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

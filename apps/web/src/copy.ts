import type { AnalysisStatus, Tone } from "./api";

/** A line of copy per stage of a running analysis. */
export const STAGE_COPY: Record<AnalysisStatus["stage"], { title: string; line: string }> = {
  queued: { title: "Waiting in line", line: "Your analysis is queued; it starts in a moment." },
  collecting: {
    title: "Listening in",
    line: "Reading your top artists, top tracks and recent plays from Spotify.",
  },
  profiling: {
    title: "Doing the maths",
    line: "Working out genres, obscurity, loyalty and the decades you live in.",
  },
  judging: { title: "Forming an opinion", line: "The judge is writing your verdict." },
  saving: { title: "Framing it", line: "Saving the verdict and making its share link." },
  done: { title: "Done", line: "Your verdict is ready." },
};

export const TONES: readonly { value: Tone; label: string; hint: string }[] = [
  { value: "gentle", label: "Gentle", hint: "kind, with a wink" },
  { value: "balanced", label: "Balanced", hint: "honest" },
  { value: "savage", label: "Savage", hint: "no mercy" },
];

export function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** A metric Spotify withheld, in words. */
export const METRIC_NAMES: Record<string, string> = {
  topGenres: "genres",
  averagePopularity: "popularity",
  weightedPopularity: "weighted popularity",
  obscurity: "obscurity",
  artistLoyalty: "loyalty",
  genreDiversity: "genre diversity",
  decades: "release decades",
  explicitShare: "explicit share",
};

export function formatDate(date: Date): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

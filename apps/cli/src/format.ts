import type { AnalysisResult, AnalysisStatus } from "@unwrapped/client";

/** ANSI styles, or plain text when colors are off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  accent(text: string): string;
}

export function createStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { bold: wrap(1, 22), dim: wrap(2, 22), accent: wrap(32, 39) };
}

/**
 * Greedy word wrap to `width` columns. Paragraphs (blank-line or newline separated) stay apart; a word
 * longer than the width gets a line of its own rather than being cut.
 */
export function wrapText(text: string, width: number): string {
  return text
    .split(/\n\s*\n|\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => {
      const lines: string[] = [];
      let line = "";
      for (const word of paragraph.split(/\s+/)) {
        if (line && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line ? `${line} ${word}` : word;
        }
      }
      if (line) lines.push(line);
      return lines.join("\n");
    })
    .join("\n\n");
}

/** 0.56 -> "56%". */
export function percent(share: number): string {
  return `${Math.round(clamp01(share) * 100)}%`;
}

/** A bar of `width` cells, filled in proportion to `share` (0..1). */
export function meter(share: number, width: number): string {
  const filled = Math.round(clamp01(share) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/** Columns padded to their widest cell; the last column is left ragged. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** "2026-11-27 12:00" in UTC: the same on every machine, sortable. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ");
}

/** The verdict as a terminal shows it: label, wrapped description, scores, genres, share link. */
export function renderVerdict(result: AnalysisResult, options: { width: number; style: Style }): string {
  const { width, style } = options;
  const barWidth = Math.min(24, Math.max(10, width - 30));
  const scoreLine = (name: string, share: number | null) =>
    share === null
      ? `${name.padEnd(18)}${style.dim("not scored: too little listening yet")}`
      : `${name.padEnd(18)}${style.accent(meter(share, barWidth))}  ${percent(share).padStart(4)}`;
  const genres = (result.profile.topGenres ?? []).slice(0, 5);
  const lines = [
    style.bold(result.label),
    style.dim(
      wrapText(
        `Judged by the ${result.judge === "llm" ? "AI" : "rules"} judge · analysed ${formatTimestamp(result.analyzedAt)} UTC`,
        width,
      ),
    ),
    "",
    wrapText(result.description, width),
    "",
    scoreLine("Critical acclaim", result.criticalAcclaim),
    scoreLine("Mainstream", result.mainstream),
    "",
  ];
  if (genres.length > 0) {
    lines.push(
      wrapText(
        `Top genres: ${genres.map((genre) => `${genre.genre} ${percent(genre.share)}`).join(" · ")}`,
        width,
      ),
    );
  }
  lines.push(
    result.shareUrl
      ? `Share: ${result.shareUrl}`
      : "Sharing is off for this verdict (run `unwrapped share --rotate` for a new link).",
  );
  return `${lines.join("\n")}\n`;
}

/** One history row: what a status says in a word or two. */
export function describeStatus(status: AnalysisStatus): string {
  if (status.status === "processing" || status.status === "pending") {
    return `${status.stage} ${percent(status.progress)}`;
  }
  return status.status;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
}

/** A scenario's printed outcome: a markdown table, notes under it, and the targets it checked. */
export interface ScenarioReport {
  readonly title: string;
  readonly command: string;
  readonly table: Table;
  readonly notes: readonly string[];
  readonly targets: readonly TargetCheck[];
  /** Further markdown printed after the notes (e.g. a profile's top functions). */
  readonly details?: string;
}

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface TargetCheck {
  readonly name: string;
  /** What was asked, in words ("ratio >= 0.5"). */
  readonly target: string;
  /** What was measured, in words ("0.43"). */
  readonly measured: string;
  readonly met: boolean;
}

/** A GitHub-flavoured markdown table with padded columns (readable as plain text too). */
export function renderTable(table: Table): string {
  const widths = table.headers.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [
    line(table.headers),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...table.rows.map(line),
  ].join("\n");
}

export function renderTargets(targets: readonly TargetCheck[]): string {
  return targets
    .map(
      (target) =>
        `- ${target.met ? "MET" : "NOT MET"}: ${target.name}: target ${target.target}, measured ${target.measured}`,
    )
    .join("\n");
}

export function renderReport(report: ScenarioReport): string {
  return [
    `### ${report.title}`,
    "",
    `Command: \`${report.command}\``,
    "",
    renderTable(report.table),
    "",
    ...report.notes.map((note) => `- ${note}`),
    ...(report.notes.length > 0 ? [""] : []),
    ...(report.details ? [report.details, ""] : []),
    ...(report.targets.length > 0 ? ["Targets:", renderTargets(report.targets), ""] : []),
  ].join("\n");
}

export function formatInteger(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}

export function formatNumber(value: number, digits = 1): string {
  return Number.isFinite(value)
    ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "n/a";
}

export function formatMs(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${formatNumber(value, digits)} ms` : "n/a";
}

export function formatBytes(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 1024 * 1024) return `${formatNumber(value / (1024 * 1024), 1)} MiB`;
  if (Math.abs(value) >= 1024) return `${formatNumber(value / 1024, 1)} KiB`;
  return `${Math.round(value)} B`;
}

import type postgres from "postgres";
import { waitUntil } from "./concurrency.js";

/**
 * A PostgreSQL array literal of UUIDs, to be cast with ::uuid[] (postgres.js's sql.array needs the array
 * types fetched on the connection first, which a fresh connection may not have done yet).
 */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(",")}}`;
}

/** What the analyses table says about a set of analyses. */
export interface AnalysesSummary {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byJudge: Readonly<Record<string, number>>;
  /** Attempts beyond the first, summed (retries and takeovers). */
  readonly extraAttempts: number;
  readonly firstStartedAt: Date | null;
  readonly lastCompletedAt: Date | null;
  readonly errorCodes: Readonly<Record<string, number>>;
}

export async function summarizeAnalyses(sql: postgres.Sql, ids: readonly string[]): Promise<AnalysesSummary> {
  const rows = await sql<
    {
      status: string;
      judge: string | null;
      attempts: number;
      started_at: Date | null;
      completed_at: Date | null;
      error_code: string | null;
    }[]
  >`select status, judge, attempts, started_at, completed_at, error_code from analyses where id = any(${uuidArray(ids)}::uuid[])`;
  const byStatus: Record<string, number> = {};
  const byJudge: Record<string, number> = {};
  const errorCodes: Record<string, number> = {};
  let extraAttempts = 0;
  let firstStartedAt: Date | null = null;
  let lastCompletedAt: Date | null = null;
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    if (row.judge) byJudge[row.judge] = (byJudge[row.judge] ?? 0) + 1;
    if (row.error_code) errorCodes[row.error_code] = (errorCodes[row.error_code] ?? 0) + 1;
    extraAttempts += Math.max(0, row.attempts - 1);
    if (row.started_at && (!firstStartedAt || row.started_at < firstStartedAt))
      firstStartedAt = row.started_at;
    if (row.completed_at && (!lastCompletedAt || row.completed_at > lastCompletedAt))
      lastCompletedAt = row.completed_at;
  }
  return {
    total: rows.length,
    byStatus,
    byJudge,
    extraAttempts,
    firstStartedAt,
    lastCompletedAt,
    errorCodes,
  };
}

/** Number of the analyses that are completed or failed. */
export async function countFinished(sql: postgres.Sql, ids: readonly string[]): Promise<number> {
  const [row] = await sql<{ finished: number }[]>`
    select count(*)::int as finished from analyses
    where id = any(${uuidArray(ids)}::uuid[]) and status in ('completed', 'failed')`;
  return row?.finished ?? 0;
}

/** Waits until every one of the analyses is completed or failed. */
export async function waitForAnalysesFinished(
  sql: postgres.Sql,
  ids: readonly string[],
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  await waitUntil(async () => (await countFinished(sql, ids)) === ids.length, {
    timeoutMs,
    intervalMs,
    what: `${ids.length} analyses to finish`,
  });
}

export function describeCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? "none" : entries.map(([name, count]) => `${count} ${name}`).join(", ");
}

import { type Analysis, analyses } from "@unwrapped/db";
import { type SQL, sql } from "drizzle-orm";
import { type AnalysisStatus, statusColumns, toAnalysisStatus } from "../analysis/views.js";

/**
 * A status change as the queue announces it on STATUS_CHANNEL: the status columns (the one list in
 * views.ts) plus the owner, to route it, and the row version, the event id watchers resume from. The
 * RETURNING list, the NOTIFY payload and the parser below are all derived from `eventColumns`, so a
 * column added to the status appears in all three.
 */
const eventColumns = { ...statusColumns, userId: analyses.userId, version: analyses.version };

type EventKey = keyof typeof eventColumns;
type EventRow = Pick<Analysis, EventKey>;

/** AnalysisStatus plus the row's owner and version. */
export interface StatusEvent extends AnalysisStatus {
  readonly userId: string;
  readonly version: number;
}

const eventKeys = Object.keys(eventColumns) as EventKey[];

/** `RETURNING` of a transition on `analyses`: every event column, named by its key. */
export const statusEventReturning: SQL = sql.join(
  eventKeys.map((key) => sql`${eventColumns[key]} as ${sql.identifier(key)}`),
  sql`, `,
);

/**
 * The NOTIFY payload, as JSON text, built from the row a transition returned (aliased `updated`). Never
 * the profile, the verdict or the lease token. The keys are constants of this module, so inlining them
 * is safe.
 */
export const statusEventPayload: SQL = sql`json_build_object(${sql.join(
  eventKeys.map((key) => sql`${sql.raw(`'${key}'`)}, updated.${sql.identifier(key)}`),
  sql`, `,
)})::text`;

const dateKeys = new Set(eventKeys.filter((key) => eventColumns[key].dataType === "date"));

export function parseStatusEvent(payload: string): StatusEvent {
  const json = JSON.parse(payload) as Record<EventKey, unknown>;
  const row = Object.fromEntries(
    eventKeys.map((key) => {
      const value = json[key];
      return [key, dateKeys.has(key) && typeof value === "string" ? new Date(value) : value];
    }),
  ) as EventRow;
  return { ...toAnalysisStatus(row), userId: row.userId, version: row.version };
}

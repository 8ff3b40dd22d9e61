import { type Analysis, analyses, type Database } from "@unwrapped/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { type AnalysisStatusRow, statusColumns } from "./views.js";

/**
 * The reads of one user's analyses that every request makes, built once as prepared statements: no
 * query building per call, and PostgreSQL plans them once per connection. Each is served by the
 * (user_id, created_at desc, id desc) index or the partial index on active analyses.
 */
export class AnalysisLookups {
  readonly #latestStatus;
  readonly #statusById;
  readonly #statusWithVersion;
  readonly #byId;
  readonly #latestCompleted;
  readonly #active;

  constructor(db: Database) {
    const userId = sql.placeholder("userId");
    const newestFirst = [desc(analyses.createdAt), desc(analyses.id)] as const;
    this.#latestStatus = db
      .select(statusColumns)
      .from(analyses)
      .where(eq(analyses.userId, userId))
      .orderBy(...newestFirst)
      .limit(1)
      .prepare("analyses_latest_status_of_user");
    this.#statusById = db
      .select(statusColumns)
      .from(analyses)
      .where(and(eq(analyses.id, sql.placeholder("analysisId")), eq(analyses.userId, userId)))
      .prepare("analyses_status_by_id_of_user");
    this.#statusWithVersion = db
      .select({ ...statusColumns, version: analyses.version })
      .from(analyses)
      .where(eq(analyses.id, sql.placeholder("analysisId")))
      .prepare("analyses_status_with_version");
    this.#byId = db
      .select()
      .from(analyses)
      .where(and(eq(analyses.id, sql.placeholder("analysisId")), eq(analyses.userId, userId)))
      .prepare("analyses_by_id_of_user");
    this.#latestCompleted = db
      .select()
      .from(analyses)
      .where(and(eq(analyses.userId, userId), eq(analyses.status, "completed")))
      .orderBy(...newestFirst)
      .limit(1)
      .prepare("analyses_latest_completed_of_user");
    this.#active = db
      .select(statusColumns)
      .from(analyses)
      .where(and(eq(analyses.userId, userId), inArray(analyses.status, ["pending", "processing"])))
      .prepare("analyses_active_of_user");
  }

  /** Status columns only: of the analysis if it is the user's, else of the user's latest. */
  async status(userId: string, analysisId?: string): Promise<AnalysisStatusRow | undefined> {
    const rows = analysisId
      ? await this.#statusById.execute({ userId, analysisId })
      : await this.#latestStatus.execute({ userId });
    return rows[0];
  }

  /** Status and version of any analysis by id (for watchers that already checked ownership). */
  async statusWithVersion(
    analysisId: string,
  ): Promise<(AnalysisStatusRow & { version: number }) | undefined> {
    return (await this.#statusWithVersion.execute({ analysisId }))[0];
  }

  /** The analysis if it exists and belongs to the user; another user's id finds nothing. */
  async byId(userId: string, analysisId: string): Promise<Analysis | undefined> {
    return (await this.#byId.execute({ userId, analysisId }))[0];
  }

  async latestCompleted(userId: string): Promise<Analysis | undefined> {
    return (await this.#latestCompleted.execute({ userId }))[0];
  }

  /** The user's pending or processing analysis (at most one, by the partial unique index). */
  async active(userId: string): Promise<AnalysisStatusRow | undefined> {
    return (await this.#active.execute({ userId }))[0];
  }
}

import { type Analysis, analyses, type Database } from "@unwrapped/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";

/**
 * The reads of one user's analyses that every request makes, built once as prepared statements: no
 * query building per call, and PostgreSQL plans them once per connection. Each is served by the
 * (user_id, created_at desc, id desc) index or the partial index on active analyses.
 */
export class AnalysisLookups {
  readonly #latest;
  readonly #byId;
  readonly #latestCompleted;
  readonly #active;

  constructor(db: Database) {
    const userId = sql.placeholder("userId");
    const newestFirst = [desc(analyses.createdAt), desc(analyses.id)] as const;
    this.#latest = db
      .select()
      .from(analyses)
      .where(eq(analyses.userId, userId))
      .orderBy(...newestFirst)
      .limit(1)
      .prepare("analyses_latest_of_user");
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
      .select()
      .from(analyses)
      .where(and(eq(analyses.userId, userId), inArray(analyses.status, ["pending", "processing"])))
      .prepare("analyses_active_of_user");
  }

  async latest(userId: string): Promise<Analysis | undefined> {
    return (await this.#latest.execute({ userId }))[0];
  }

  /** The analysis if it exists and belongs to the user; another user's id finds nothing. */
  async byId(userId: string, analysisId: string): Promise<Analysis | undefined> {
    return (await this.#byId.execute({ userId, analysisId }))[0];
  }

  async latestCompleted(userId: string): Promise<Analysis | undefined> {
    return (await this.#latestCompleted.execute({ userId }))[0];
  }

  /** The user's pending or processing analysis (at most one, by the partial unique index). */
  async active(userId: string): Promise<Analysis | undefined> {
    return (await this.#active.execute({ userId }))[0];
  }
}

import { type Database, listenerStandings, rowsOf, standingsHistogram } from "@unwrapped/db";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";

/**
 * Where a listener stands among the listeners of this deployment, from every user's latest completed
 * verdict. Each completion writes the listener's four numbers (`listener_standings`) and moves them in a
 * histogram of 1000 buckets per metric (`standings_histogram`), in one transaction. A read sums the
 * buckets below the listener's (at most 1000 small rows of a primary key) and counts the few listeners
 * inside the listener's own bucket through the metric's index: exact, and independent of the number of
 * listeners up to the size of one bucket. Nothing about any other listener is returned but counts.
 */

export const STANDINGS_METRICS = ["underground", "acclaim", "loyalty", "diversity"] as const;
export type StandingsMetric = (typeof STANDINGS_METRICS)[number];

/** Buckets per metric over [0, 1]; a value v lies in bucket min(floor(v · 1000), 999). */
export const STANDINGS_BUCKETS = 1000;
/** The histogram row counting every listener (bucket 0). */
const LISTENERS = "listeners";

export const Standings = z.object({
  /** Listeners of this deployment with a completed verdict. */
  listeners: z.number().int().min(0),
  /** The share (0..1) of the other listeners this verdict is more underground than; null when unknown. */
  underground: z.number().min(0).max(1).nullable(),
  acclaim: z.number().min(0).max(1).nullable(),
  loyalty: z.number().min(0).max(1).nullable(),
  diversity: z.number().min(0).max(1).nullable(),
});
export type Standings = z.infer<typeof Standings>;

export type StandingsValues = Readonly<Record<StandingsMetric, number | null>>;

/** The four numbers of a verdict, from its scores and profile (which may lack any of them). */
export function standingsValuesOf(verdict: {
  criticalAcclaim: number | null;
  profile: unknown;
}): StandingsValues {
  const profile = (verdict.profile ?? {}) as {
    obscurity?: number | null;
    artistLoyalty?: number | null;
    genreDiversity?: number | null;
  };
  return {
    underground: profile.obscurity ?? null,
    acclaim: verdict.criticalAcclaim,
    loyalty: profile.artistLoyalty ?? null,
    diversity: profile.genreDiversity ?? null,
  };
}

export function bucketOf(value: number): number {
  return Math.min(STANDINGS_BUCKETS - 1, Math.max(0, Math.floor(value * STANDINGS_BUCKETS)));
}

const columnOf = {
  underground: listenerStandings.underground,
  acclaim: listenerStandings.acclaim,
  loyalty: listenerStandings.loyalty,
  diversity: listenerStandings.diversity,
} as const;

export class StandingsService {
  readonly #db: Database;
  /** Below this many listeners standings are hidden (null). */
  readonly #minListeners: number;

  constructor(dependencies: { db: Database; minListeners: number }) {
    this.#db = dependencies.db;
    this.#minListeners = dependencies.minListeners;
  }

  /**
   * The listener's latest completed verdict is now `analysisId` with these values: their row is
   * replaced and the histogram moves by one listener, in one transaction.
   */
  async record(userId: string, analysisId: string, values: StandingsValues): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await ensureBuilt(tx);
      let [previous] = await tx
        .select()
        .from(listenerStandings)
        .where(eq(listenerStandings.userId, userId))
        .for("update");
      if (!previous) {
        const inserted = await tx
          .insert(listenerStandings)
          .values({ userId, analysisId, ...values })
          .onConflictDoNothing()
          .returning({ userId: listenerStandings.userId });
        if (inserted.length === 1) {
          await moveHistogram(tx, null, values, true);
          return;
        }
        // A concurrent first write for this user won; continue as an update of its row.
        [previous] = await tx
          .select()
          .from(listenerStandings)
          .where(eq(listenerStandings.userId, userId))
          .for("update");
        if (!previous) throw new Error("The standings row of the listener vanished");
      }
      await tx
        .update(listenerStandings)
        .set({ analysisId, ...values, updatedAt: sql`now()` })
        .where(eq(listenerStandings.userId, userId));
      await moveHistogram(tx, standingsValuesOfRow(previous), values, false);
    });
  }

  /** The listener leaves the standings (their account is deleted). */
  async forget(userId: string): Promise<void> {
    await forgetStandings(this.#db, userId);
  }

  /**
   * Where a verdict with these values stands among the other listeners' latest verdicts; null while
   * fewer than MIN_STANDINGS_LISTENERS listeners exist. `userId`'s own entry is left out of the
   * comparison, so an older verdict of theirs is compared with everyone else's latest.
   */
  async of(userId: string, values: StandingsValues): Promise<Standings | null> {
    await ensureBuilt(this.#db);
    const selections = [
      sql`(select ${standingsHistogram.listeners} from ${standingsHistogram}
        where ${standingsHistogram.metric} = ${LISTENERS} and ${standingsHistogram.bucket} = 0) as "total"`,
    ];
    for (const metric of STANDINGS_METRICS) {
      const value = values[metric];
      if (value === null) continue;
      const bucket = bucketOf(value);
      const column = columnOf[metric];
      selections.push(
        sql`(select coalesce(sum(${standingsHistogram.listeners}), 0) from ${standingsHistogram}
          where ${standingsHistogram.metric} = ${metric}) as ${sql.identifier(`${metric}_known`)}`,
        sql`(select coalesce(sum(${standingsHistogram.listeners}), 0) from ${standingsHistogram}
          where ${standingsHistogram.metric} = ${metric} and ${standingsHistogram.bucket} < ${bucket}) as ${sql.identifier(`${metric}_below`)}`,
        // Range on the metric's index (from the bucket before, for floating-point edges), then exact.
        sql`(select count(*) from ${listenerStandings}
          where ${column} >= ${(bucket - 1) / STANDINGS_BUCKETS} and ${column} < ${value}
          and least(floor(${column} * ${STANDINGS_BUCKETS}), ${STANDINGS_BUCKETS - 1}) = ${bucket}) as ${sql.identifier(`${metric}_in_bucket`)}`,
      );
    }
    selections.push(
      sql`(select row_to_json(own) from (select ${listenerStandings.underground} as underground,
        ${listenerStandings.acclaim} as acclaim, ${listenerStandings.loyalty} as loyalty,
        ${listenerStandings.diversity} as diversity from ${listenerStandings}
        where ${listenerStandings.userId} = ${userId}) own) as "own"`,
    );
    const [row] = rowsOf<Record<string, unknown>>(
      await this.#db.execute(sql`select ${sql.join(selections, sql`, `)}`),
    );
    const listeners = Number(row?.total ?? 0);
    if (listeners < this.#minListeners) return null;
    const ownRaw = row?.own;
    const own = (typeof ownRaw === "string" ? JSON.parse(ownRaw) : ownRaw) as StandingsValues | null;
    const standings: Standings = {
      listeners,
      underground: null,
      acclaim: null,
      loyalty: null,
      diversity: null,
    };
    for (const metric of STANDINGS_METRICS) {
      const value = values[metric];
      if (value === null) continue;
      const ownValue = own?.[metric] ?? null;
      const others = Number(row?.[`${metric}_known`]) - (ownValue !== null ? 1 : 0);
      const below =
        Number(row?.[`${metric}_below`]) +
        Number(row?.[`${metric}_in_bucket`]) -
        (ownValue !== null && ownValue < value ? 1 : 0);
      standings[metric] = others > 0 ? below / others : null;
    }
    return standings;
  }

  /** Rebuilds both tables from every user's latest completed analysis (a repair; also the first build). */
  async rebuild(): Promise<void> {
    await this.#db.transaction((tx) => rebuildStandings(tx));
  }
}

/** Removes a listener from the standings, inside the caller's transaction when given one. */
export async function forgetStandings(db: Database, userId: string): Promise<void> {
  const removed = await db.delete(listenerStandings).where(eq(listenerStandings.userId, userId)).returning();
  const [previous] = removed;
  if (previous) await moveHistogram(db, standingsValuesOfRow(previous), null, false, true);
}

function standingsValuesOfRow(row: typeof listenerStandings.$inferSelect): StandingsValues {
  return {
    underground: row.underground,
    acclaim: row.acclaim,
    loyalty: row.loyalty,
    diversity: row.diversity,
  };
}

/** Moves one listener in the histogram: out of `from`'s buckets, into `to`'s. */
async function moveHistogram(
  db: Database,
  from: StandingsValues | null,
  to: StandingsValues | null,
  joined: boolean,
  left = false,
): Promise<void> {
  const changes = new Map<string, { metric: string; bucket: number; delta: number }>();
  const add = (metric: string, bucket: number, delta: number) => {
    const key = `${metric}:${bucket}`;
    const entry = changes.get(key) ?? { metric, bucket, delta: 0 };
    entry.delta += delta;
    changes.set(key, entry);
  };
  if (joined) add(LISTENERS, 0, 1);
  if (left) add(LISTENERS, 0, -1);
  for (const metric of STANDINGS_METRICS) {
    const before = from?.[metric] ?? null;
    const after = to?.[metric] ?? null;
    if (before !== null) add(metric, bucketOf(before), -1);
    if (after !== null) add(metric, bucketOf(after), 1);
  }
  const rows = [...changes.values()].filter((change) => change.delta !== 0);
  if (rows.length === 0) return;
  // Sorted, so concurrent completions lock the histogram rows in the same order and never deadlock.
  rows.sort((a, b) => a.metric.localeCompare(b.metric) || a.bucket - b.bucket);
  await db
    .insert(standingsHistogram)
    .values(rows.map((row) => ({ metric: row.metric, bucket: row.bucket, listeners: row.delta })))
    .onConflictDoUpdate({
      target: [standingsHistogram.metric, standingsHistogram.bucket],
      set: { listeners: sql`${standingsHistogram.listeners} + excluded.listeners` },
    });
}

/**
 * The first read or write on a deployment builds the standings from the analyses already there (a
 * deployment that had verdicts before standings existed); afterwards this is one primary-key read.
 */
async function ensureBuilt(db: Database): Promise<void> {
  if (await isBuilt(db)) return;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REBUILD_LOCK})`);
    if (!(await isBuilt(tx))) await rebuildStandings(tx);
  });
}

async function isBuilt(db: Database): Promise<boolean> {
  const [built] = await db
    .select({ listeners: standingsHistogram.listeners })
    .from(standingsHistogram)
    .where(and(eq(standingsHistogram.metric, LISTENERS), eq(standingsHistogram.bucket, 0)));
  return built !== undefined;
}

const REBUILD_LOCK = 0x5374_616e; // "Stan"

async function rebuildStandings(db: Database): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(${REBUILD_LOCK})`);
  await db.delete(listenerStandings);
  await db.delete(standingsHistogram);
  await db.execute(sql`
    insert into listener_standings (user_id, analysis_id, underground, acclaim, loyalty, diversity)
    select distinct on (user_id) user_id, id,
      (profile->>'obscurity')::double precision, critical_acclaim,
      (profile->>'artistLoyalty')::double precision, (profile->>'genreDiversity')::double precision
    from analyses where status = 'completed'
    order by user_id, created_at desc, id desc`);
  const buckets = sql.join(
    STANDINGS_METRICS.map(
      (metric) => sql`select ${metric}::text as metric,
        least(floor(${sql.identifier(metric)} * ${STANDINGS_BUCKETS}), ${STANDINGS_BUCKETS - 1})::int as bucket,
        count(*)::int as listeners
        from listener_standings where ${sql.identifier(metric)} is not null group by 2`,
    ),
    sql` union all `,
  );
  await db.execute(sql`
    insert into standings_histogram (metric, bucket, listeners)
    select ${LISTENERS}, 0, count(*)::int from listener_standings
    union all ${buckets}`);
}

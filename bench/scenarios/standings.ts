import { createDatabase } from "@unwrapped/db";
import { StandingsService, type StandingsValues } from "@unwrapped/services";
import { createBenchDatabase } from "../postgres.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { median, percentile } from "../stats.js";
import { formatInteger, formatMs, formatNumber, type ScenarioReport } from "../tables.js";

const LISTENERS = 100_000;

/** A deterministic stream of values in [0, 1) (Park–Miller), so every run seeds the same population. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

function randomValues(random: () => number): StandingsValues {
  return { underground: random(), acclaim: random(), loyalty: random(), diversity: random() };
}

async function timed<T>(action: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/**
 * Standings for a deployment of 100,000 listeners: 100,000 users with one completed analysis each,
 * seeded in SQL; the standings built from them once (`rebuild`, what the first use of a deployment
 * does); then the cost of keeping them current (`record` after one completion) and of one read (`of`,
 * what analysis.result adds), against BASE: the same percentiles computed by scanning every user's
 * latest completed analysis per read (what "no maintained aggregate" would cost).
 */
async function run(options: BenchOptions): Promise<ScenarioReport> {
  const iterations = options.quick ? 50 : 300;
  const baseIterations = options.quick ? 5 : 20;
  const database = await createBenchDatabase("standings");
  const handle = await createDatabase({
    kind: "postgres",
    url: database.url,
    pool: { max: 2, idleTimeoutSeconds: 0, maxLifetimeSeconds: 0, connectTimeoutSeconds: 5 },
  });
  try {
    await database.sql`select setseed(0.42)`;
    await database.sql`
      insert into users (spotify_account_id, spotify_id, display_name)
      select 'bench-' || i, 'bench-' || i, null from generate_series(1, ${LISTENERS}) as i`;
    await database.sql`
      insert into analyses (user_id, status, stage, progress, max_attempts, judge, label, description,
        critical_acclaim, mainstream, profile, completed_at)
      select id, 'completed', 'done', 1, 3, 'rules', 'BENCH LISTENER', 'words', random(), random(),
        jsonb_build_object('obscurity', random(), 'artistLoyalty', random(), 'genreDiversity', random()), now()
      from users`;
    await database.sql`analyze`;
    const userIds = (
      await database.sql<{ id: string }[]>`select id from users order by id limit ${iterations}`
    ).map((row) => row.id);
    const standings = new StandingsService({ db: handle.db, minListeners: 20 });
    const rebuildMs = await timed(() => standings.rebuild());
    await database.sql`analyze`;

    const random = randomSource(7);
    // Warm both paths (plans, caches) before measuring.
    for (const userId of userIds.slice(0, 10)) {
      await standings.record(userId, crypto.randomUUID(), randomValues(random));
      await standings.of(userId, randomValues(random));
    }
    const refresh: number[] = [];
    for (const userId of userIds) {
      const values = randomValues(random);
      refresh.push(await timed(() => standings.record(userId, crypto.randomUUID(), values)));
    }
    // What any commit of one small row costs here (WAL flush included): the floor under a refresh.
    const commitFloor: number[] = [];
    for (const userId of userIds) {
      commitFloor.push(
        await timed(() =>
          database.sql.begin(async (tx) => {
            await tx`update users set updated_at = now() where id = ${userId}`;
          }),
        ),
      );
    }
    const reads: number[] = [];
    let shown = 0;
    for (const userId of userIds) {
      const values = randomValues(random);
      reads.push(
        await timed(async () => {
          if (await standings.of(userId, values)) shown++;
        }),
      );
    }
    const base: number[] = [];
    for (const userId of userIds.slice(0, baseIterations)) {
      const values = randomValues(random);
      base.push(
        await timed(
          () => database.sql`
            with latest as (
              select distinct on (user_id) user_id, critical_acclaim as acclaim,
                (profile->>'obscurity')::float8 as underground, (profile->>'artistLoyalty')::float8 as loyalty,
                (profile->>'genreDiversity')::float8 as diversity
              from analyses where status = 'completed' order by user_id, created_at desc, id desc)
            select count(*) as listeners,
              count(*) filter (where user_id <> ${userId} and underground < ${values.underground}) as underground,
              count(*) filter (where user_id <> ${userId} and acclaim < ${values.acclaim}) as acclaim,
              count(*) filter (where user_id <> ${userId} and loyalty < ${values.loyalty}) as loyalty,
              count(*) filter (where user_id <> ${userId} and diversity < ${values.diversity}) as diversity
            from latest`,
        ),
      );
    }
    if (shown !== userIds.length)
      throw new Error(`standings were hidden for ${userIds.length - shown} reads`);
    const readMedian = median(reads);
    const baseMedian = median(base);
    const refreshMedian = median(refresh);
    return {
      title: `standings among ${formatInteger(LISTENERS)} listeners`,
      command: commandFor("standings", options),
      table: {
        headers: ["operation", "runs", "median", "p99"],
        rows: [
          ["build from 100,000 analyses (first use, once)", "1", formatMs(rebuildMs), ""],
          [
            "refresh after one completion (record)",
            String(refresh.length),
            formatMs(refreshMedian, 2),
            formatMs(percentile(refresh, 99), 2),
          ],
          [
            "BASE refresh: a one-row update transaction",
            String(commitFloor.length),
            formatMs(median(commitFloor), 2),
            formatMs(percentile(commitFloor, 99), 2),
          ],
          [
            "read: one listener's standings (of)",
            String(reads.length),
            formatMs(readMedian, 2),
            formatMs(percentile(reads, 99), 2),
          ],
          [
            "BASE read: scan every latest verdict",
            String(base.length),
            formatMs(baseMedian, 1),
            formatMs(percentile(base, 99), 1),
          ],
        ],
      },
      notes: [
        "PostgreSQL, one bench database; 100,000 users with one completed analysis each, seeded in SQL with fixed random values; the bench process calls StandingsService directly (postgres.js pool of 2), one call at a time.",
        "refresh = one `record` of a listener who already stands (row replaced, up to 8 histogram buckets moved, one transaction); read = one `of` (histogram sums below the listener's bucket + an index range inside it, for four metrics).",
        `refresh/one-row commit = ${formatNumber(refreshMedian / median(commitFloor), 2)}: a refresh costs about as much as any small write transaction, whatever the number of listeners.`,
        `BASE computes the same four percentiles per read from every user's latest completed analysis (no maintained aggregate); read/BASE = ${formatNumber(readMedian / baseMedian, 4)}.`,
      ],
      targets: [
        {
          name: "standings read vs full scan",
          target: "read <= 0.1 x BASE",
          measured: `${formatNumber(readMedian / baseMedian, 4)} x`,
          met: readMedian <= 0.1 * baseMedian,
        },
      ],
    };
  } finally {
    await handle.close();
    await database.drop();
  }
}

export const standingsScenario: Scenario = {
  name: "standings",
  description:
    "standings among 100,000 seeded listeners: refresh after one completion, cost per read, vs a full scan",
  run,
};

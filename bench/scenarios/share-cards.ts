import { performance } from "node:perf_hooks";
import { CardRenderer, type CardSize, cardInput } from "@unwrapped/share-cards";
import { type LoadSample, type LoadTarget, medianSample, runLoad } from "../load.js";
import { postgresPids } from "../postgres.js";
import { CpuMeter, residentBytes } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { percentile } from "../stats.js";
import { formatBytes, formatInteger, formatMs, formatNumber, type ScenarioReport } from "../tables.js";
import { createBenchClient } from "../trpc-client.js";
import { prepareStatusFixture, startStatusBaseline } from "./status.js";

const CONNECTIONS = 50;

function settingsFor(options: BenchOptions) {
  return options.quick
    ? { warmupSeconds: 1, runSeconds: 3, runs: 3, cards: 100, stories: 20, drawings: 10 }
    : { warmupSeconds: 3, runSeconds: 10, runs: 3, cards: 1000, stories: 100, drawings: 40 };
}

/** Times `count` drawings of distinct verdicts in this process: the renderer alone, nothing cached. */
async function drawingTimes(size: CardSize, count: number): Promise<number[]> {
  const renderer = new CardRenderer();
  const input = (index: number) =>
    cardInput(
      {
        label: `BENCH LISTENER ${index}`,
        description:
          "An opening sentence about the listener. A punchline sentence of a handful of words here.",
        criticalAcclaim: (index % 10) / 10,
        mainstream: ((index * 7) % 10) / 10,
        profile: {
          topGenres: [
            { genre: "synth-pop", share: 0.5 },
            { genre: "art rock", share: 0.3 },
            { genre: "emo", share: 0.2 },
          ],
          topArtists: ["Taylor Swift", "Radiohead", "Björk"].map((name) => ({
            name,
            genres: [],
            imageUrl: null,
          })),
          topTracks: [],
          decades: null,
          averagePopularity: null,
          obscurity: null,
          artistLoyalty: null,
          genreDiversity: null,
          explicitShare: null,
          counts: { artists: 3, tracks: 3, recentPlays: 0, recentArtists: 0 },
        },
        displayName: `Listener ${index}`,
        analyzedAt: new Date(),
      },
      "https://unwrapped.example",
    );
  await renderer.render(input(-1), size); // loads the fonts once: a process start-up cost, not a drawing's
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await renderer.render(input(index), size);
    times.push(performance.now() - started);
  }
  return times;
}

/** Sequential first fetches of distinct images over HTTP: each is drawn, stored and sent. */
async function coldFetchTimes(urls: readonly string[]): Promise<number[]> {
  const times: number[] = [];
  for (const url of urls) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const settings = settingsFor(options);
  const fixture = await prepareStatusFixture();
  const baseline = await startStatusBaseline(fixture.database);
  const { sql } = fixture.database;
  const client = createBenchClient(fixture.server.url, fixture.listener.accessToken);
  const result = await client.analysis.result.query();
  if (!result.shareToken) throw new Error("the fixture's analysis has no share link");

  const drawn = {
    card: await drawingTimes("card", settings.drawings),
    story: await drawingTimes("story", settings.drawings),
  };

  // Distinct shared verdicts (each its own listener, name and scores), copies of the fixture's analysis.
  await sql`
    insert into users (spotify_account_id, spotify_id, display_name)
    select 'bench-card-' || g, 'bench-card-' || g, 'Listener ' || g from generate_series(1, ${settings.cards}) g`;
  const tokens = (
    await sql<{ share_token: string }[]>`
      insert into analyses (user_id, status, stage, progress, max_attempts, judge, tone, profile, label,
        description, critical_acclaim, mainstream, share_token, completed_at)
      select u.id, 'completed', 'done', 1, 3, a.judge, a.tone, a.profile, a.label, a.description,
        (g % 10) / 10.0, ((g * 7) % 10) / 10.0, 'bench-card-token-' || lpad(g::text, 6, '0') || '-0123456789', now()
      from generate_series(1, ${settings.cards}) g
      join users u on u.spotify_account_id = 'bench-card-' || g
      cross join (select * from analyses where share_token = ${result.shareToken}) a
      returning share_token`
  ).map((row) => row.share_token);
  const serverPid = fixture.server.process.pid;
  const rssBefore = residentBytes(serverPid);
  const cold = {
    card: await coldFetchTimes(tokens.map((token) => `${fixture.server.url}/s/${token}/card.png`)),
    story: await coldFetchTimes(
      tokens.slice(0, settings.stories).map((token) => `${fixture.server.url}/s/${token}/story.png`),
    ),
  };
  const rssAfterCards = residentBytes(serverPid);

  // The viral share: one link, many clients, the page and its (now cached) card.
  const targets: Record<"base" | "page" | "card", LoadTarget> = {
    base: { url: `${baseline.url}/analysis/status`, headers: { "x-user-id": fixture.listener.userId } },
    page: { url: `${fixture.server.url}/s/${result.shareToken}`, headers: {} },
    card: { url: `${fixture.server.url}/s/${result.shareToken}/card.png`, headers: {} },
  };
  const meters = {
    base: { server: new CpuMeter(() => [baseline.process.pid]), postgres: new CpuMeter(postgresPids) },
    page: { server: new CpuMeter(() => [serverPid]), postgres: new CpuMeter(postgresPids) },
    card: { server: new CpuMeter(() => [serverPid]), postgres: new CpuMeter(postgresPids) },
  };
  const names = ["base", "page", "card"] as const;
  for (const name of names) {
    await runLoad(
      targets[name],
      { connections: CONNECTIONS, durationSeconds: settings.warmupSeconds },
      meters[name],
    );
  }
  const samples: Record<(typeof names)[number], LoadSample[]> = { base: [], page: [], card: [] };
  for (let index = 0; index < settings.runs; index++) {
    for (const name of names) {
      samples[name].push(
        await runLoad(
          targets[name],
          { connections: CONNECTIONS, durationSeconds: settings.runSeconds },
          meters[name],
        ),
      );
    }
  }
  const median = {
    base: medianSample(samples.base),
    page: medianSample(samples.page),
    card: medianSample(samples.card),
  };
  const ratio = (name: "page" | "card") => median[name].requestsPerSecond / median.base.requestsPerSecond;
  const rssAfterLoad = residentBytes(serverPid);

  const timing = (name: string, times: readonly number[]) => [
    name,
    formatInteger(times.length),
    formatMs(percentile(times, 50), 0),
    formatMs(percentile(times, 95), 0),
  ];
  const load = (name: string, sample: LoadSample, ratioText: string) => [
    name,
    formatInteger(sample.requestsPerSecond),
    formatMs(sample.p50Ms, 0),
    formatMs(sample.p99Ms, 0),
    formatInteger(sample.serverCpuMicroseconds),
    formatInteger(sample.postgresCpuMicroseconds),
    `${formatInteger(sample.bytesPerResponse)} B`,
    formatInteger(sample.failures),
    ratioText,
  ];
  const loadTable = [
    "| target | req/s | p50 | p99 | server CPU µs/req | PostgreSQL CPU µs/req | bytes/response | failed | ratio to BASE |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...[
      load("BASE: express 5 + postgres.js status route", median.base, "1.00"),
      load("share page GET /s/:token", median.page, formatNumber(ratio("page"), 2)),
      load("cached card GET /s/:token/card.png", median.card, formatNumber(ratio("card"), 2)),
    ].map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
  const memoryTable = [
    "| server RSS | bytes |",
    "| --- | --- |",
    `| before drawing | ${formatBytes(rssBefore)} |`,
    `| after ${settings.cards} different cards and ${settings.stories} stories | ${formatBytes(rssAfterCards)} |`,
    `| after the viral-share load | ${formatBytes(rssAfterLoad)} |`,
  ].join("\n");

  return {
    title: "(i12) share cards: drawing time, a viral share vs BASE, memory",
    command: commandFor("share-cards", options),
    table: {
      headers: ["cold drawing", "images", "p50", "p95"],
      rows: [
        timing("card 1200×630, renderer alone (satori + resvg)", drawn.card),
        timing("story 1080×1920, renderer alone", drawn.story),
        timing("card, first GET over HTTP (read, draw, store, send)", cold.card),
        timing("story, first GET over HTTP", cold.story),
      ],
    },
    notes: [
      "Renderer alone: in the bench process, distinct verdicts, after one drawing that loads the fonts (a once-per-process cost). First GET: sequential requests to the built server (`node apps/server/dist/main.js`, PostgreSQL, LOG_LEVEL=warn), each for an image never drawn before.",
      `Viral share: autocannon -c ${CONNECTIONS}, median of ${settings.runs} runs of ${settings.runSeconds} s per target (runs alternate), after a ${settings.warmupSeconds} s warm-up each; load generator in the bench process on the same 2 cores. Each request looks the share token up in PostgreSQL (revocation is immediate), then answers from the in-memory cache. BASE is the status scenario's bare express 5 + postgres.js route on the same database.`,
      `Memory: VmRSS of the server process; the in-memory cache is bounded at 64 MiB of PNGs, the rest of the drawings stay in the share_cards table.`,
    ],
    details: `${loadTable}\n\n${memoryTable}`,
    targets: [
      {
        name: "viral share, cached card",
        target: "ratio to BASE >= 0.8",
        measured: formatNumber(ratio("card"), 2),
        met: ratio("card") >= 0.8,
      },
      {
        name: "viral share, share page",
        target: "ratio to BASE >= 0.8",
        measured: formatNumber(ratio("page"), 2),
        met: ratio("page") >= 0.8,
      },
      {
        name: "no failed requests",
        target: "0",
        measured: formatInteger(median.base.failures + median.page.failures + median.card.failures),
        met: median.base.failures + median.page.failures + median.card.failures === 0,
      },
    ],
  };
}

export const shareCardsScenario: Scenario = {
  name: "share-cards",
  description: "share images: cold drawing p50/p95, a viral share (page and cached card) vs BASE, memory",
  run,
};

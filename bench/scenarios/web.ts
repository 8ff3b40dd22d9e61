import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { unwrappedSettings } from "../environment.js";
import { REPOSITORY_ROOT, RUN_DIRECTORY } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { signInOverHttp } from "../sign-in.js";
import { median, percentile } from "../stats.js";
import { formatMs, formatNumber, type ScenarioReport, type TargetCheck } from "../tables.js";
import { createBenchClient } from "../trpc-client.js";
import { startServerProcess } from "../unwrapped.js";
import { waitForTerminalStatus } from "../watch-status.js";

const SANDBOX_LATENCY_MS = 100;
const WEB_DIST = join(REPOSITORY_ROOT, "apps", "web", "dist");
const INITIAL_JS_LIMIT_BYTES = 120 * 1024;
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The JavaScript index.html loads before anything renders: its module script and module preloads. */
export function initialScripts(indexHtml: string): string[] {
  const scripts = [...indexHtml.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1] ?? "");
  const preloads = [...indexHtml.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map(
    (match) => match[1] ?? "",
  );
  return [...new Set([...scripts, ...preloads])].filter((path) => path.endsWith(".js"));
}

function initialJavaScript(): { files: number; rawBytes: number; gzipBytes: number } {
  const files = initialScripts(readFileSync(join(WEB_DIST, "index.html"), "utf8"));
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(join(WEB_DIST, file.replace(/^\//, "")));
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { files: files.length, rawBytes, gzipBytes };
}

/** Largest contentful paint of a fresh load of the page, as Chromium reports it. */
async function largestContentfulPaint(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.getByRole("button", { name: "Copy share link" }).waitFor();
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1]?.startTime ?? Number.NaN);
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const runs = options.quick ? 5 : 20;
  const warmup = 2;
  const bundle = initialJavaScript();
  const dataDirectory = join(RUN_DIRECTORY, "web-pglite-data");
  mkdirSync(dataDirectory, { recursive: true });
  const server = await startServerProcess({
    name: "web-server",
    settings: unwrappedSettings({
      SANDBOX_LATENCY_MS: String(SANDBOX_LATENCY_MS),
      FRESH_ANALYSIS_COOLDOWN_SECONDS: "0",
      DATA_DIR: dataDirectory,
    }),
  });

  // The API's own begin -> completed (the verdict scenario's measure), on the same server in the same run.
  const listener = await signInOverHttp(server.url, "seed:1");
  const client = createBenchClient(server.url, listener.accessToken);
  const apiMs: number[] = [];
  for (let index = 0; index < warmup + runs; index++) {
    const started = performance.now();
    const begun = await client.analysis.begin.mutate({ fresh: true });
    const { receivedAt } = await waitForTerminalStatus(client, begun.analysisId);
    if (index >= warmup) apiMs.push(receivedAt - started);
  }

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  const clickMs: number[] = [];
  const lcpMs: number[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route("https://i.scdn.co/**", (route) =>
      route.fulfill({ contentType: "image/svg+xml", body: '<svg xmlns="http://www.w3.org/2000/svg"/>' }),
    );
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("link", { name: "Sign in with Spotify" }).click();
    await page.getByRole("link", { name: /metalhead/ }).click();
    const firstStart = page.getByRole("button", { name: /Analyse (my taste|again)/ });
    await firstStart.waitFor();
    let verdictUrl = "";
    for (let index = 0; index < warmup + runs; index++) {
      if (index > 0) {
        await page.getByRole("link", { name: "unwrapped" }).click();
      }
      const start = page.getByRole("button", { name: /Analyse (my taste|again)/ });
      await start.waitFor();
      const previous = new URL(page.url()).pathname;
      // Timed inside the page: the click event, and the moment the verdict's controls enter the DOM
      // (a MutationObserver), so the figure carries no polling delay of the driver.
      await page.evaluate(() => {
        const marks = { clickedAt: Number.NaN, verdictAt: Number.NaN };
        (window as unknown as { benchMarks: typeof marks }).benchMarks = marks;
        document.addEventListener("click", () => (marks.clickedAt = performance.now()), {
          capture: true,
          once: true,
        });
        const observer = new MutationObserver(() => {
          const done = [...document.querySelectorAll("button")].some(
            (button) => button.textContent === "Copy share link",
          );
          if (done && location.pathname.startsWith("/analysis/")) {
            observer.disconnect();
            requestAnimationFrame(() => (marks.verdictAt = performance.now()));
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
      await start.click();
      await page.waitForURL((url) => url.pathname.startsWith("/analysis/") && url.pathname !== previous);
      await page.getByRole("button", { name: "Copy share link" }).waitFor({ timeout: 60_000 });
      const elapsed = await page.evaluate(() => {
        const marks = (window as unknown as { benchMarks: { clickedAt: number; verdictAt: number } })
          .benchMarks;
        return marks.verdictAt - marks.clickedAt;
      });
      if (index >= warmup) clickMs.push(elapsed);
      verdictUrl = page.url();
    }
    for (let index = 0; index < warmup + runs; index++) {
      const lcp = await largestContentfulPaint(page, verdictUrl);
      if (index >= warmup) lcpMs.push(lcp);
    }
    await context.close();
  } finally {
    await browser.close();
    await server.process.stop();
  }

  const apiP50 = percentile(apiMs, 50);
  const clickP50 = percentile(clickMs, 50);
  const lcpP50 = median(lcpMs);
  const targets: TargetCheck[] = [
    {
      name: "initial JavaScript, gzipped",
      target: "<= 120 KB",
      measured: `${formatNumber(bundle.gzipBytes / 1024, 1)} KB (${bundle.files} file, ${formatNumber(bundle.rawBytes / 1024, 0)} KB raw)`,
      met: bundle.gzipBytes <= INITIAL_JS_LIMIT_BYTES,
    },
    {
      name: "verdict page LCP p50",
      target: "< 1,000 ms",
      measured: formatMs(lcpP50, 0),
      met: lcpP50 < 1_000,
    },
    {
      name: "click -> verdict on screen p50",
      target: `<= verdict latency p50 + 200 ms = ${formatMs(apiP50 + 200, 0)}`,
      measured: `${formatMs(clickP50, 0)} (+${formatMs(clickP50 - apiP50, 0)})`,
      met: clickP50 <= apiP50 + 200,
    },
  ];
  return {
    title: "(w) the web app in Chromium",
    command: commandFor("web", options),
    table: {
      headers: ["measure", "p50", "p95", "runs"],
      rows: [
        [
          "API: begin -> completed status (SSE)",
          formatMs(apiP50, 0),
          formatMs(percentile(apiMs, 95), 0),
          String(runs),
        ],
        [
          "browser: click -> verdict on screen",
          formatMs(clickP50, 0),
          formatMs(percentile(clickMs, 95), 0),
          String(runs),
        ],
        [
          "browser: verdict page LCP (reload)",
          formatMs(lcpP50, 0),
          formatMs(percentile(lcpMs, 95), 0),
          String(runs),
        ],
      ],
    },
    notes: [
      `Initial JavaScript: the scripts apps/web/dist/index.html loads (module script and preloads), gzip level 9.`,
      `One server process (PGlite, inline worker, SANDBOX_LATENCY_MS=${SANDBOX_LATENCY_MS}, FRESH_ANALYSIS_COOLDOWN_SECONDS=0), ${warmup} unmeasured runs first each. API: the verdict scenario's measure (begin with fresh, then analysis.watch until completed). Browser: Debian's Chromium headless at 1280x800, from the click on "Analyse again" to the frame after the verdict's share controls entered the DOM (both timed in the page) (the begin call, navigation, status, watch over SSE, the result query and rendering). LCP: a reload of /analysis/:id signed in (session restored through the cookie), read with PerformanceObserver.`,
    ],
    targets,
  };
}

export const webScenario: Scenario = {
  name: "web",
  description: "(w) the web app: initial JS size, verdict page LCP, click -> verdict vs the API's latency",
  run,
};

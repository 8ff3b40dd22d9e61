import { createLogger } from "@unwrapped/services";
import { eventually } from "@unwrapped/services/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeOf } from "../src/request-logging.js";
import { loginCode, startTestServer, type TestServer } from "./support/test-server.js";
import { rawClient } from "./support/trpc-client.js";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789";

/** The value of one sample in a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("GET /metrics on the server", () => {
  let server: TestServer;
  const chunks: string[] = [];
  beforeAll(async () => {
    const logger = createLogger({ level: "debug" }, { write: (chunk: string) => void chunks.push(chunk) });
    server = await startTestServer({ env: { METRICS_TOKEN, LOG_LEVEL: "debug" }, logger });
  });
  afterAll(async () => {
    await server.close();
  });

  const scrape = async () => {
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it("answers 401 without the bearer token, and never a 500", async () => {
    for (const authorization of [undefined, "Bearer wrong", `Basic ${METRICS_TOKEN}`]) {
      const response = await fetch(`${server.url}/metrics`, {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain("unwrapped_");
    }
    expect((await fetch(`${server.url}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("renders every metric, and they move when an analysis runs", async () => {
    const before = await scrape();
    for (const name of [
      "unwrapped_http_requests_total",
      "unwrapped_http_request_duration_seconds_bucket",
      "unwrapped_analyses",
      "unwrapped_queue_oldest_pending_age_seconds",
      "unwrapped_workers_live",
      "unwrapped_analysis_step_duration_seconds_bucket",
      "unwrapped_watch_streams_open",
      "unwrapped_nodejs_eventloop_lag_seconds",
    ]) {
      expect(before, name).toMatch(new RegExp(`^${name}[{ ]`, "m"));
    }
    expect(sample(before, "unwrapped_workers_live")).toBe(1);
    expect(sample(before, "unwrapped_analyses_finished_total", { outcome: "completed" })).toBeUndefined();

    const session = await rawClient(server.url).auth.exchange.mutate({
      code: await loginCode(server.url, "metalhead"),
    });
    const client = rawClient(server.url, session.accessToken);
    const begun = await client.analysis.begin.mutate();
    await eventually(
      async () =>
        (await client.analysis.status.query({ analysisId: begun.analysisId })).status === "completed"
          ? true
          : null,
      { timeoutMs: 60_000 },
    );

    // The worker counts the analysis just after committing it: a client can see "completed" first.
    const after = await eventually(
      async () => {
        const text = await scrape();
        return sample(text, "unwrapped_analyses_finished_total", { outcome: "completed" }) === 1
          ? text
          : null;
      },
      { timeoutMs: 60_000 },
    );
    expect(sample(after, "unwrapped_analyses_finished_total", { outcome: "completed" })).toBe(1);
    expect(sample(after, "unwrapped_analysis_duration_seconds_count", { outcome: "completed" })).toBe(1);
    expect(sample(after, "unwrapped_judge_outcomes_total", { judge: "rules" })).toBe(1);
    expect(sample(after, "unwrapped_analysis_step_duration_seconds_count", { step: "judging" })).toBe(1);
    const spotifyOk = ["top_artists", "top_tracks", "recently_played"].map(
      (endpoint) => sample(after, "unwrapped_spotify_requests_total", { endpoint, outcome: "ok" }) ?? 0,
    );
    expect(spotifyOk).toEqual([3, 3, 1]);
    expect(
      sample(after, "unwrapped_http_requests_total", { route: "/trpc/analysis.begin", status: "200" }),
    ).toBe(1);
    expect(
      sample(after, "unwrapped_http_requests_total", { route: "/trpc/analysis.status", status: "200" }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("puts the request id on every log line of a request", async () => {
    chunks.length = 0;
    const response = await fetch(`${server.url}/trpc/analysis.status`, {
      headers: { "x-request-id": "req-abc-123" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toBe("req-abc-123");
    const lines = chunks
      .join("")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ofRequest = lines.filter((line) => line.requestId === "req-abc-123");
    expect(ofRequest.length).toBeGreaterThanOrEqual(1);
    expect(ofRequest.map((line) => line.msg)).toContain("request");
    // A header that could forge log lines is replaced by an id of our own.
    const forged = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": 'x" injected' } });
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("routeOf", () => {
  it("labels procedures, batches, pages and unknown paths with few values", () => {
    expect(routeOf("/trpc/analysis.status?input=%7B%7D", 200)).toBe("/trpc/analysis.status");
    expect(routeOf("/trpc/auth.me,health.check", 200)).toBe("/trpc/(batch)");
    expect(routeOf("/trpc/<script>", 404)).toBe("/trpc/(unknown)");
    expect(routeOf("/s/abcdef", 200)).toBe("/s/*");
    expect(routeOf("/readyz", 200)).toBe("/readyz");
    expect(routeOf("/", 200)).toBe("/");
    expect(routeOf("/wp-admin/setup.php", 404)).toBe("(not found)");
  });
});

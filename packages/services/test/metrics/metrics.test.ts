import { dbTest } from "@unwrapped/db/testing";
import { describe, expect } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { Metrics } from "../../src/metrics/metrics.js";
import { startMetricsServer } from "../../src/metrics/metrics-endpoint.js";
import { AnalysisQueue } from "../../src/queue/analysis-queue.js";
import { WorkerRegistry } from "../../src/queue/worker-registry.js";
import { silentLogger } from "../../src/testing/index.js";
import { createUser } from "../support/users.js";

const TOKEN = "worker-metrics-token-0123456789";

function metricsOn(db: Parameters<typeof createUser>[0], clock: ManualClock) {
  const workers = new WorkerRegistry({ db, clock, staleAfterMs: 60_000 });
  return { workers, metrics: new Metrics({ db, clock, workers, process: "worker" }) };
}

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) {
      return Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return undefined;
}

describe("Metrics", () => {
  dbTest("reads the queue's gauges from active rows, at most once per 5 s of scrapes", async ({ db }) => {
    const clock = new ManualClock();
    const { metrics, workers } = metricsOn(db, clock);
    const queue = new AnalysisQueue({ db, clock, settings: { leaseSeconds: 60, maxAttempts: 3 } });
    const first = await createUser(db);
    await queue.enqueue(first.id);
    await workers.announce({ id: "worker-a", concurrency: 1 });
    clock.advance(90_000);
    await workers.beat({ id: "worker-a", concurrency: 1, running: 0 });

    const text = await metrics.render();
    expect(sample(text, "unwrapped_analyses", { status: "pending", stage: "queued" })).toBe(1);
    expect(sample(text, "unwrapped_analyses", { status: "processing", stage: "queued" })).toBe(0);
    expect(sample(text, "unwrapped_queue_oldest_pending_age_seconds")).toBe(90);
    expect(sample(text, "unwrapped_workers_live")).toBe(1);
    expect(text).toContain('process="worker"');

    const [task] = await queue.claim("worker-a", 1);
    if (!task) throw new Error("nothing claimed");
    await queue.advance(task, "collecting", 0.1);
    // Within 5 s a scrape reuses the last reading; after, it reads again.
    clock.advance(4_000);
    expect(sample(await metrics.render(), "unwrapped_analyses", { status: "pending", stage: "queued" })).toBe(
      1,
    );
    clock.advance(1_000);
    const later = await metrics.render();
    expect(sample(later, "unwrapped_analyses", { status: "pending", stage: "queued" })).toBe(0);
    expect(sample(later, "unwrapped_analyses", { status: "processing", stage: "collecting" })).toBe(1);
    expect(sample(later, "unwrapped_queue_oldest_pending_age_seconds")).toBe(0);
  });

  dbTest("a worker's own listener serves /metrics behind the token and nothing else", async ({ db }) => {
    const { metrics } = metricsOn(db, new ManualClock());
    metrics.analysisFinished("completed", 1_500);
    metrics.spotifyRequest("top_artists", "rate_limited");
    const listener = await startMetricsServer({
      metrics,
      token: TOKEN,
      host: "127.0.0.1",
      port: 0,
      logger: silentLogger,
    });
    try {
      expect((await fetch(listener.url)).status).toBe(401);
      const response = await fetch(listener.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(sample(text, "unwrapped_analyses_finished_total", { outcome: "completed" })).toBe(1);
      expect(sample(text, "unwrapped_analysis_duration_seconds_sum", { outcome: "completed" })).toBe(1.5);
      expect(
        sample(text, "unwrapped_spotify_requests_total", {
          endpoint: "top_artists",
          outcome: "rate_limited",
        }),
      ).toBe(1);
      expect((await fetch(listener.url.replace("/metrics", "/other"))).status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});

import { setTimeout as delay } from "node:timers/promises";
import type { Unsubscribable } from "@trpc/server/observable";
import type { ClaimedTask } from "@unwrapped/services";
import { mapConcurrently, waitUntil } from "../concurrency.js";
import { unwrappedSettings } from "../environment.js";
import { createBenchDatabase } from "../postgres.js";
import { residentBytes } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { type SignedInListener, seedPersonas, signInListeners } from "../sign-in.js";
import { percentile } from "../stats.js";
import { formatBytes, formatInteger, formatMs, formatNumber, type ScenarioReport } from "../tables.js";
import { createBenchClient } from "../trpc-client.js";
import { openServices, startServerProcess } from "../unwrapped.js";
import { statusOf } from "../watch-status.js";

/** Paced changes: one status change committed every this many milliseconds. */
const PACED_INTERVAL_MS = 10;
const OPEN_CONCURRENCY = 50;

/** One open `analysis.watch` subscription and when each of its statuses arrived (performance.now()). */
class Watcher {
  readonly arrivals = new Map<string, number>();
  #subscription: Unsubscribable | undefined;

  constructor(
    readonly listener: SignedInListener,
    readonly analysisId: string,
  ) {}

  open(serverUrl: string): Promise<void> {
    const client = createBenchClient(serverUrl, this.listener.accessToken);
    return new Promise((resolve, reject) => {
      this.#subscription = client.analysis.watch.subscribe(
        { analysisId: this.analysisId },
        {
          onData: (payload) => {
            const status = statusOf(payload as Parameters<typeof statusOf>[0]);
            const key = `${status.status}/${status.stage}`;
            if (!this.arrivals.has(key)) this.arrivals.set(key, performance.now());
            resolve();
          },
          onError: reject,
        },
      );
    });
  }

  close(): void {
    this.#subscription?.unsubscribe();
  }
}

async function waitForArrivals(
  watchers: readonly Watcher[],
  key: string,
  timeoutMs: number,
): Promise<number> {
  try {
    await waitUntil(() => watchers.every((watcher) => watcher.arrivals.has(key)), {
      timeoutMs,
      intervalMs: 20,
      what: `every watcher to receive ${key}`,
    });
  } catch {
    // Report what arrived; the missing ones are counted.
  }
  return watchers.filter((watcher) => !watcher.arrivals.has(key)).length;
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const subscribers = options.quick ? 200 : 1000;
  const database = await createBenchDatabase("watch");
  const server = await startServerProcess({
    name: "watch-server",
    settings: unwrappedSettings({ DATABASE_URL: database.url, WORKER: "external", MIGRATE: "off" }),
  });
  const inProcess = await openServices(server.settings);
  const { services } = inProcess;
  const watchers: Watcher[] = [];
  try {
    const listeners = await signInListeners(services, seedPersonas(subscribers), 16);
    const begun = await mapConcurrently(listeners, 16, (listener) =>
      services.analyses.begin(listener.userId),
    );
    listeners.forEach((listener, index) => {
      watchers.push(new Watcher(listener, (begun[index] as { analysisId: string }).analysisId));
    });

    await delay(1_000);
    const rssBefore = residentBytes(server.process.pid);
    const openStarted = performance.now();
    await mapConcurrently(watchers, OPEN_CONCURRENCY, (watcher) => watcher.open(server.url));
    const openSeconds = (performance.now() - openStarted) / 1000;
    await delay(1_000);
    const rssAfter = residentBytes(server.process.pid);

    // Burst: one statement claims every analysis, so all the NOTIFYs are delivered at one commit.
    const burstSent = performance.now();
    const tasks: ClaimedTask[] = await services.queue.claim("bench-watch", subscribers);
    const burstCommitMs = performance.now() - burstSent;
    if (tasks.length !== subscribers) throw new Error(`claimed ${tasks.length} of ${subscribers} analyses`);
    const burstMissing = await waitForArrivals(watchers, "processing/queued", 30_000);
    const burstDelays = watchers.flatMap((watcher) => {
      const arrival = watcher.arrivals.get("processing/queued");
      return arrival === undefined ? [] : [arrival - burstSent];
    });

    // Paced: one analysis advanced at a time, each change committed on its own.
    const byId = new Map(tasks.map((task) => [task.id, task]));
    const sentAt = new Map<string, number>();
    const pacedStarted = performance.now();
    for (const [index, watcher] of watchers.entries()) {
      const task = byId.get(watcher.analysisId);
      if (!task) throw new Error(`analysis ${watcher.analysisId} was not claimed`);
      const slot = pacedStarted + index * PACED_INTERVAL_MS;
      const wait = slot - performance.now();
      if (wait > 0) await delay(wait);
      sentAt.set(watcher.analysisId, performance.now());
      await services.queue.advance(task, "collecting", 0.1);
    }
    const pacedMissing = await waitForArrivals(watchers, "processing/collecting", 30_000);
    const pacedDelays = watchers.flatMap((watcher) => {
      const arrival = watcher.arrivals.get("processing/collecting");
      const sent = sentAt.get(watcher.analysisId);
      return arrival === undefined || sent === undefined ? [] : [arrival - sent];
    });

    const perSubscription = (rssAfter - rssBefore) / subscribers;
    const pacedP99 = percentile(pacedDelays, 99);
    const row = (name: string, delays: number[], missing: number) => [
      name,
      formatInteger(subscribers),
      formatMs(percentile(delays, 50), 1),
      formatMs(percentile(delays, 99), 1),
      formatMs(Math.max(...delays), 1),
      formatInteger(missing),
    ];
    return {
      title: "(d) watch: analysis.watch subscriptions, commit -> event at the client",
      command: commandFor("watch", options),
      table: {
        headers: ["status changes", "open subscriptions", "p50", "p99", "max", "not delivered"],
        rows: [
          row(`paced: ${subscribers} changes, one every ${PACED_INTERVAL_MS} ms`, pacedDelays, pacedMissing),
          row(`burst: ${subscribers} changes in one commit`, burstDelays, burstMissing),
        ],
      },
      notes: [
        `Memory: server RSS ${formatBytes(rssBefore)} before opening the subscriptions, ${formatBytes(rssAfter)} with ${subscribers} open: ${formatBytes(perSubscription)} per subscription (RSS includes garbage not yet collected). Opening all took ${formatNumber(openSeconds, 1)} s (${OPEN_CONCURRENCY} at a time).`,
        `${subscribers} distinct signed-in seed listeners, each watching its own pending analysis over SSE (\`eventsource\` with the Authorization header, one HTTP connection each), all from the bench process; one server process (\`node apps/server/dist/main.js\`, PostgreSQL, WORKER=external, no worker running, LOG_LEVEL=warn).`,
        "Changes are committed by AnalysisQueue in the bench process, exactly as a worker does: claim (burst: one UPDATE of every row, one NOTIFY per row on the status channel) then advance to 'collecting' (paced: one UPDATE + NOTIFY per statement). Delay = arrival of the event in the client's callback - the moment the committing statement was sent (so it includes the commit).",
        `Burst: the claim statement (UPDATE of ${subscribers} rows with their NOTIFYs, then its commit) took ${formatMs(burstCommitMs, 1)} as seen by the bench, which is part of every burst delay.`,
        "The bench's own event loop parses every SSE event too, so the delays include client-side queueing.",
      ],
      targets: [
        {
          name: `watch delivery p99 with ${subscribers} subscribers (paced changes)`,
          target: "< 100 ms",
          measured: formatMs(pacedP99, 1),
          met: pacedP99 < 100 && pacedMissing === 0,
        },
      ],
    };
  } finally {
    for (const watcher of watchers) watcher.close();
    await inProcess.close();
  }
}

export const watchScenario: Scenario = {
  name: "watch",
  description:
    "(d) 1,000 analysis.watch SSE subscriptions: commit-to-client delay and memory per subscription",
  run,
};

import { setTimeout as delay } from "node:timers/promises";
import type { Unsubscribable } from "@trpc/server/observable";
import { mapConcurrently } from "../concurrency.js";
import { unwrappedSettings } from "../environment.js";
import { createBenchDatabase } from "../postgres.js";
import { residentBytes } from "../processes.js";
import { type BenchOptions, commandFor, type Scenario } from "../scenario.js";
import { seedPersonas, signInListeners } from "../sign-in.js";
import { formatBytes, formatInteger, type ScenarioReport } from "../tables.js";
import { createBenchClient } from "../trpc-client.js";
import { openServices, startServerProcess } from "../unwrapped.js";

const OPEN_CONCURRENCY = 50;
/** Streams per listener: the default WATCH_STREAMS_PER_USER, so the cap is exercised at its edge. */
const STREAMS_PER_LISTENER = 5;

/** Opens one analysis.watch stream; resolves with its first event (the current status). */
function openStream(serverUrl: string, accessToken: string, analysisId: string): Promise<Unsubscribable> {
  const client = createBenchClient(serverUrl, accessToken);
  return new Promise((resolve, reject) => {
    const subscription = client.analysis.watch.subscribe(
      { analysisId },
      { onData: () => resolve(subscription), onError: reject },
    );
  });
}

async function run(options: BenchOptions): Promise<ScenarioReport> {
  const listenersCount = options.quick ? 40 : 200;
  const streamsCount = listenersCount * STREAMS_PER_LISTENER;
  const database = await createBenchDatabase("streams");
  const server = await startServerProcess({
    name: "streams-server",
    settings: unwrappedSettings({
      DATABASE_URL: database.url,
      WORKER: "external",
      MIGRATE: "off",
      WATCH_STREAMS_PER_USER: String(STREAMS_PER_LISTENER),
    }),
  });
  const inProcess = await openServices(server.settings);
  const open: Unsubscribable[] = [];
  try {
    const listeners = await signInListeners(inProcess.services, seedPersonas(listenersCount), 16);
    const analyses = await mapConcurrently(listeners, 16, (listener) =>
      inProcess.services.analyses.begin(listener.userId),
    );
    const slots = listeners.flatMap((listener, index) =>
      Array.from({ length: STREAMS_PER_LISTENER }, () => ({
        listener,
        analysisId: (analyses[index] as { analysisId: string }).analysisId,
      })),
    );
    await delay(1_000);
    const before = residentBytes(server.process.pid);
    await mapConcurrently(slots, OPEN_CONCURRENCY, async (slot) => {
      open.push(await openStream(server.url, slot.listener.accessToken, slot.analysisId));
    });
    await delay(1_000);
    const withStreams = residentBytes(server.process.pid);
    // One more stream for a listener at the cap: refused with TOO_MANY_REQUESTS.
    const first = listeners[0];
    const refused = first
      ? await openStream(
          server.url,
          first.accessToken,
          (analyses[0] as { analysisId: string }).analysisId,
        ).then(
          (subscription) => {
            subscription.unsubscribe();
            return "opened (cap not enforced!)";
          },
          (error: { data?: { code?: string } }) => error.data?.code ?? String(error),
        )
      : "n/a";
    for (const subscription of open.splice(0)) subscription.unsubscribe();
    await delay(2_000);
    const afterClose = residentBytes(server.process.pid);
    const perStream = (withStreams - before) / streamsCount;
    return {
      title: "(i10) streams: server memory per open analysis.watch stream",
      command: commandFor("streams", options),
      table: {
        headers: ["open streams", "server RSS", "per stream"],
        rows: [
          ["0 (before)", formatBytes(before), ""],
          [formatInteger(streamsCount), formatBytes(withStreams), formatBytes(perStream)],
          ["0 (all closed, 2 s later)", formatBytes(afterClose), ""],
        ],
      },
      notes: [
        `${listenersCount} signed-in seed listeners x ${STREAMS_PER_LISTENER} streams each (WATCH_STREAMS_PER_USER=${STREAMS_PER_LISTENER}) on their pending analysis, over SSE from the bench process; one server process (PostgreSQL, WORKER=external, no worker, LOG_LEVEL=warn). RSS includes garbage not yet collected.`,
        `A ${STREAMS_PER_LISTENER + 1}th stream of one listener: ${refused}.`,
      ],
      targets: [],
    };
  } finally {
    for (const subscription of open) subscription.unsubscribe();
    await inProcess.close();
  }
}

export const streamsScenario: Scenario = {
  name: "streams",
  description: "(i10) memory per open analysis.watch stream, and the per-user cap",
  run,
};

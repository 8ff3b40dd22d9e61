/**
 * A watcher in a process of its own, for the streaming test: `node --import tsx draft-watcher.ts <url>
 * <userId> <analysisId>` follows the analysis through `AnalysisService.watch` — what `analysis.watch`
 * serves — on PostgreSQL (its StatusHub LISTENs for the worker's NOTIFYs) and prints each event as a
 * JSON line: {"ready":true} once subscribed, then {status, stage, draft} per change. It exits after a
 * terminal status.
 */
import { createDatabase } from "@unwrapped/db";
import { AnalysisService } from "../../src/analysis/analysis-service.js";
import { systemClock } from "../../src/clock.js";
import { AnalysisQueue } from "../../src/queue/analysis-queue.js";
import { StatusHub } from "../../src/queue/status-hub.js";
import { silentLogger } from "../../src/testing/index.js";

const [url, userId, analysisId] = process.argv.slice(2);
if (!url || !userId || !analysisId) {
  throw new Error("usage: draft-watcher.ts <postgres url> <user id> <analysis id>");
}
const database = await createDatabase({
  kind: "postgres",
  url,
  pool: { max: 2, idleTimeoutSeconds: 5, maxLifetimeSeconds: 0, connectTimeoutSeconds: 10 },
});
const hub = new StatusHub(database, silentLogger);
const queue = new AnalysisQueue({
  db: database.db,
  clock: systemClock,
  settings: { leaseSeconds: 60, maxAttempts: 3 },
  random: Math.random,
});
const analyses = new AnalysisService({
  db: database.db,
  queue,
  hub,
  clock: systemClock,
  publicUrl: "http://127.0.0.1:9",
  freshCooldownSeconds: 0,
});
let ready = false;
for await (const event of analyses.watch(userId, { analysisId })) {
  if (!ready) {
    // The first event is the status as it stands, read after subscribing: from here nothing is missed.
    ready = true;
    process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  }
  const { status, stage, draft } = event.status;
  process.stdout.write(`${JSON.stringify({ status, stage, draft })}\n`);
}
await hub.close();
await database.close();

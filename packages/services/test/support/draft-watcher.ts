/**
 * A watcher in a process of its own, for the streaming test: `node --import tsx draft-watcher.ts <url>
 * <analysisId>` listens to an analysis's status over PostgreSQL NOTIFY (the StatusHub every server runs)
 * and prints each event as a JSON line: {"ready":true} once subscribed, then {status, stage, draft,
 * version} per change. It exits after a terminal status.
 */
import { createDatabase } from "@unwrapped/db";
import { StatusHub } from "../../src/queue/status-hub.js";
import { silentLogger } from "../../src/testing/index.js";

const [url, analysisId] = process.argv.slice(2);
if (!url || !analysisId) throw new Error("usage: draft-watcher.ts <postgres url> <analysis id>");
const database = await createDatabase({
  kind: "postgres",
  url,
  pool: { max: 2, idleTimeoutSeconds: 5, maxLifetimeSeconds: 0, connectTimeoutSeconds: 10 },
});
const hub = new StatusHub(database, silentLogger);
const finished = new Promise<void>((resolve) => {
  void hub
    .subscribe(analysisId, (event) => {
      if (event === "resync") return;
      const { status, stage, draft, version } = event;
      process.stdout.write(`${JSON.stringify({ status, stage, draft, version })}\n`);
      if (status === "completed" || status === "failed") resolve();
    })
    .then(() => process.stdout.write(`${JSON.stringify({ ready: true })}\n`));
});
await finished;
await hub.close();
await database.close();

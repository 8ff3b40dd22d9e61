import { loadConfigOrExit } from "@unwrapped/config";
import { createDatabase, migrate } from "@unwrapped/db";
import {
  createLogger,
  createServices,
  RETENTION_SWEEP_INTERVAL_MS,
  startMetricsServer,
} from "@unwrapped/services";

const config = loadConfigOrExit();

if (config.database.kind === "pglite") {
  console.error(
    "The embedded database (PGlite) belongs to one process, so `pnpm worker` cannot share it with the server.\n" +
      "With PGlite the server runs the worker itself (WORKER=inline, the default). To scale out with worker\n" +
      "processes, set DATABASE_URL to PostgreSQL for both the server and the workers.",
  );
  process.exit(1);
}

const logger = createLogger({
  level: config.logLevel,
  name: "worker",
  // Readable lines for a person at a terminal; JSON for log collectors and in production.
  pretty: config.nodeEnv !== "production" && process.stdout.isTTY === true,
});
const database = await createDatabase(config.database, { applicationName: "unwrapped-worker" });
if (config.migrate) {
  const { applied } = await migrate(database.db);
  if (applied > 0) logger.info({ applied }, "applied database migrations");
}
const services = createServices({ config, database, logger, processName: "worker" });
const worker = services.createWorker();
await worker.start();
// Off by default: a worker serves /metrics only on a port of its own (WORKER_METRICS_PORT).
const metricsServer =
  config.metrics.workerPort === null
    ? undefined
    : await startMetricsServer({
        metrics: services.metrics,
        token: config.metrics.token,
        host: config.server.host,
        port: config.metrics.workerPort,
        logger,
      });
if (metricsServer) logger.info({ url: metricsServer.url }, "worker metrics listening");
// Every process sweeps now and then; concurrent sweeps split the work (see RetentionSweeper).
const sweeps = setInterval(() => {
  services.retention.sweep().catch((error: unknown) => logger.warn({ err: error }, "retention sweep failed"));
}, RETENTION_SWEEP_INTERVAL_MS);
sweeps.unref();

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(sweeps);
    logger.info(
      { signal, graceSeconds: config.worker.shutdownGraceSeconds },
      "stopping: finishing running analyses",
    );
    worker
      .stop()
      .then(() => metricsServer?.close())
      .then(() => services.statusHub.close())
      .then(() => services.spotifyBudget.close())
      .then(() => services.revocations.close())
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  });
}

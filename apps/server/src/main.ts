import { loadConfigOrExit } from "@unwrapped/config";
import { createLogger } from "@unwrapped/services";
import { startServer } from "./server.js";

const config = loadConfigOrExit();

const logger = createLogger({ level: config.logLevel, name: "server" });
const server = await startServer({ config, logger });

logger.info(
  { url: server.url, database: config.database.kind, worker: config.worker.mode },
  `unwrapped is listening on ${server.url}`,
);
if (config.spotify.demo) {
  logger.info(
    `Demo mode is on: sign-in goes through the built-in Spotify sandbox (${config.server.publicUrl}/sandbox/spotify). ` +
      "Set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET to use the real Spotify instead.",
  );
}
logger.info(`Sign in: open ${config.server.publicUrl}/auth/spotify/login in a browser.`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}

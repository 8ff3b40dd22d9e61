import { loadConfigOrExit } from "@unwrapped/config";
import { createLogger } from "@unwrapped/services";
import { ListenError, startServer } from "./server.js";

const config = loadConfigOrExit();

const logger = createLogger({
  level: config.logLevel,
  name: "server",
  // Readable lines for a person at a terminal; JSON for log collectors and in production.
  pretty: config.nodeEnv !== "production" && process.stdout.isTTY === true,
});
const server = await startServer({ config, logger }).catch((error: unknown) => {
  if (!(error instanceof ListenError)) throw error;
  logger.fatal(error.message); // says which variable to change; a stack would not help
  process.exit(1);
});

logger.info(
  { url: server.url, database: config.database.kind, worker: config.worker.mode },
  `unwrapped is listening on ${server.url}`,
);
if (config.spotify.demo) {
  logger.info(
    "Demo mode is on: sign-in goes through the built-in Spotify sandbox (set SPOTIFY_CLIENT_ID and " +
      `SPOTIFY_CLIENT_SECRET for the real Spotify). Its demo listeners: ${config.server.publicUrl}/sandbox/spotify/`,
  );
}
logger.info(`Open the app: ${config.server.appUrl.replace(/\/$/, "")}/ (sign in with Spotify there).`);

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

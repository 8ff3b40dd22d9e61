import { loadConfig } from "@unwrapped/config";
import { createDatabase } from "./client.js";
import { migrate } from "./migrate.js";

// `pnpm db:migrate`: applies pending migrations to the configured database (PostgreSQL or PGlite).
const config = loadConfig();
const handle = await createDatabase(config.database, { applicationName: "unwrapped-migrate" });
try {
  const { applied } = await migrate(handle.db);
  console.log(
    applied === 0 ? "Database is up to date." : `Applied ${applied} migration${applied === 1 ? "" : "s"}.`,
  );
} finally {
  await handle.close();
}

import { pendingMigrationCount } from "@unwrapped/db";
import type { Services } from "@unwrapped/services";
import { Router } from "express";

/**
 * /healthz: the process runs. /readyz: the database answers and every migration is applied; it also
 * reports how many workers are live (none is not "unready": the API still serves).
 */
export function healthRoutes(services: Services): Router {
  const router = Router();
  let migrated = false; // migrations never un-apply, so once seen applied, stop re-reading them

  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });

  router.get("/readyz", async (_request, response) => {
    try {
      await services.database.ping();
      if (!migrated) {
        const pending = await pendingMigrationCount(services.database.db);
        if (pending > 0) {
          response.status(503).json({ status: "unavailable", reason: `${pending} migration(s) not applied` });
          return;
        }
        migrated = true;
      }
      response.json({ status: "ok", liveWorkers: await services.workers.liveCount() });
    } catch (error) {
      services.logger.warn({ err: error }, "readiness check failed");
      response.status(503).json({ status: "unavailable", reason: "database unreachable" });
    }
  });

  return router;
}

import { parseArgs } from "node:util";
import express from "express";
import postgres from "postgres";

/**
 * BASE of scenario (a): the least a status endpoint can do with the same stack underneath — express 5
 * and postgres.js (prepared statements, its default), a pool of 10 like the server's, no tRPC, no JWT
 * (the user id comes in a header), the same indexed SELECT of the user's latest analysis, and a JSON
 * body with the fields of AnalysisStatus.
 *
 *   node --import tsx bench/baseline/status-server.ts --port 9100 --database-url postgres://...
 */

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "database-url": { type: "string" },
  },
});
if (!values.port || !values["database-url"]) {
  console.error("usage: status-server --port <port> --database-url <postgres url>");
  process.exit(2);
}

const sql = postgres(values["database-url"], { max: 10, onnotice: () => {} });

interface StatusRow {
  id: string;
  status: string;
  stage: string;
  progress: number;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

const app = express();
app.disable("x-powered-by");
app.set("etag", false);

app.get("/healthz", (_request, response) => {
  response.json({ status: "ok" });
});

app.get("/analysis/status", async (request, response, next) => {
  try {
    const userId = request.get("x-user-id");
    if (!userId) {
      response.status(401).json({ error: "no user" });
      return;
    }
    const [row] = await sql<StatusRow[]>`
      select id, status, stage, progress, attempts, error_code, error_message, created_at, started_at, completed_at
      from analyses where user_id = ${userId}
      order by created_at desc, id desc limit 1`;
    if (!row) {
      response.status(404).json({ error: "not found" });
      return;
    }
    response.json({
      analysisId: row.id,
      status: row.status,
      stage: row.stage,
      progress: row.progress,
      attempts: row.attempts,
      error: row.error_code ? { code: row.error_code, message: row.error_message } : null,
      createdAt: row.created_at,
      startedAt: row.started_at,
      completedAt: row.completed_at,
    });
  } catch (error) {
    next(error);
  }
});

const server = app.listen(Number(values.port), "127.0.0.1", () => {
  console.log(`baseline status server on http://127.0.0.1:${values.port}`);
});
server.keepAliveTimeout = 65_000;

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void sql.end({ timeout: 1 }).finally(() => process.exit(0));
  });
}

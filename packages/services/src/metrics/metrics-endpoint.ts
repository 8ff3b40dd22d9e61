import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Metrics } from "./metrics.js";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
function authorized(request: IncomingMessage, token: string | null): boolean {
  if (token === null) return true;
  const header = request.headers.authorization ?? "";
  const presented = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  return timingSafeEqual(digest(presented), digest(token));
}

/**
 * GET /metrics in Prometheus's text format, behind METRICS_TOKEN when one is set (401 without it). A
 * plain node handler, so the server's request listener and a worker's own listener share it.
 */
export async function serveMetrics(
  metrics: Metrics,
  token: string | null,
  request: IncomingMessage,
  response: ServerResponse,
  logger: Logger,
): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" });
    response.end(JSON.stringify({ error: "method_not_allowed", message: "Use GET /metrics." }));
    return;
  }
  if (!authorized(request, token)) {
    response.writeHead(401, {
      "www-authenticate": 'Bearer realm="metrics"',
      "content-type": "application/json",
    });
    response.end(
      JSON.stringify({
        error: "unauthorized",
        message: "GET /metrics needs Authorization: Bearer METRICS_TOKEN.",
      }),
    );
    return;
  }
  try {
    const body = await metrics.render();
    response.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
    response.end(request.method === "HEAD" ? undefined : body);
  } catch (error) {
    logger.warn({ err: error }, "metrics could not be read");
    response.writeHead(503, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "unavailable", message: "Metrics are unavailable right now." }));
  }
}

export function isMetricsPath(url: string | undefined): boolean {
  return url === "/metrics" || (url?.startsWith("/metrics?") ?? false);
}

/** A worker's own /metrics listener (WORKER_METRICS_PORT); anything else answers 404. */
export async function startMetricsServer(options: {
  metrics: Metrics;
  token: string | null;
  host: string;
  port: number;
  logger: Logger;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    if (isMetricsPath(request.url)) {
      void serveMetrics(options.metrics, options.token, request, response, options.logger);
      return;
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "not_found", message: "Only /metrics is served here." }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    server,
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

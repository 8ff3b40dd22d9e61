import type { IncomingMessage, RequestListener } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import {
  appRouter,
  createContextFactory,
  createRestHandler,
  REST_BASE_PATH,
  retryAfterHeader,
  retryAfterSeconds,
} from "@unwrapped/api";
import { isAppError, isMetricsPath, requestContext, type Services, serveMetrics } from "@unwrapped/services";
import express, { type ErrorRequestHandler, type Router } from "express";
import { refuseUnsupportedMethod, rejectUnsafeUrl } from "./request-guards.js";
import { logRequest } from "./request-logging.js";
import { apiDocs } from "./routes/api-docs.js";
import { authRoutes } from "./routes/auth-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { matchPage } from "./routes/match-page.js";
import { sessionRoutes } from "./routes/session-routes.js";
import { shareCardRoutes } from "./routes/share-card-routes.js";
import { sharePage } from "./routes/share-page.js";
import { findWebRoot, webApp } from "./routes/web-app.js";
import { handleCors, setSecurityHeaders } from "./security-headers.js";

export interface AppOptions {
  readonly services: Services;
  /** Demo mode: the Spotify sandbox router, mounted at /sandbox/spotify. */
  readonly sandbox?: Router | undefined;
  /** The built web app (apps/web/dist); found next to the repository's apps/ when not given. */
  readonly webRoot?: string | null | undefined;
}

/**
 * The HTTP surface of API.md as one request listener. /trpc/* goes straight to tRPC's node handler —
 * the API's hot path does not walk express's router and middleware stack — and everything else
 * (sign-in routes, pages, health, the sandbox) to an express app. /api/v1/* is REST over the same
 * procedures (createRestHandler), also straight from the listener; /api/openapi.json and /docs are
 * express's; /metrics is served by prom-client's registry. All get the same request log line, request id
 * on every log line, HTTP metrics, security headers and, for /trpc and /api/v1, CORS for APP_URL only.
 */
export function createRequestListener(options: AppOptions): RequestListener {
  const { services } = options;
  const { config, logger } = services;
  const https = config.server.https.mode !== "off";
  const appOrigin = new URL(config.server.appUrl).origin;
  const createContext = createContextFactory(services, logger);
  /** A request's context: the one function /trpc and REST (/api/v1) both build it with. */
  const contextOf = (
    request: IncomingMessage,
    connectionParams?: Record<string, string | undefined> | null,
  ) =>
    createContext({
      authorization: request.headers.authorization,
      connectionParams,
      remoteAddress: request.socket.remoteAddress,
      forwardedFor: request.headers["x-forwarded-for"],
    });
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: config.server.bodyLimitBytes,
    // Over the cap the whole batch is refused with 400 before any call runs.
    maxBatchSize: config.server.maxBatchSize,
    createContext: ({ req, info }) => contextOf(req, info.connectionParams),
    responseMeta({ errors }) {
      const retryAfter = retryAfterHeader(errors);
      return retryAfter ? { headers: { "retry-after": retryAfter } } : {};
    },
  });
  const rest = createRestHandler({
    router: appRouter,
    createContext: (request) => contextOf(request),
    maxBodySize: config.server.bodyLimitBytes,
    logger,
  });
  const app = createExpressApp(options);

  return (request, response) => {
    const requestId = logRequest(logger, request, response, services.metrics);
    requestContext.run({ requestId }, () => {
      setSecurityHeaders(response, { https });
      if (refuseUnsupportedMethod(request, response)) return;
      // Liveness answers before any routing, so a flood elsewhere costs it as little as possible.
      if (request.method === "GET" && request.url === "/healthz") {
        response.writeHead(200, {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
        });
        response.end('{"status":"ok"}');
        return;
      }
      if (request.url?.startsWith("/trpc/")) {
        if (handleCors(appOrigin, request, response)) return;
        trpc(request, response);
        return;
      }
      if (isRestPath(request.url)) {
        if (handleCors(appOrigin, request, response)) return;
        void rest(request, response);
        return;
      }
      if (isMetricsPath(request.url)) {
        void serveMetrics(services.metrics, config.metrics.token, request, response, logger);
        return;
      }
      app(request, response);
    });
  };
}

function createExpressApp({ services, sandbox, webRoot }: AppOptions): express.Express {
  const { logger } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(rejectUnsafeUrl);
  app.use(healthRoutes(services));
  app.use(authRoutes(services));
  app.use(sessionRoutes(services));
  app.use(sharePage(services));
  app.use(matchPage(services));
  app.use(shareCardRoutes(services));
  app.use(apiDocs(services));
  app.use(webApp(services, webRoot === undefined ? findWebRoot() : webRoot));
  if (sandbox) app.use("/sandbox/spotify", sandbox);

  app.use((_request, response) => {
    response.status(404).json({ error: "not_found", message: "There is nothing here." });
  });
  const handleError: ErrorRequestHandler = (error, _request, response, _next) => {
    const retryAfter = retryAfterSeconds(error);
    if (retryAfter !== null && !response.headersSent) {
      response.setHeader("retry-after", String(retryAfter));
      response.status(429).json({ error: "rate_limited", message: (error as Error).message });
      return;
    }
    // A body-parser error (the sandbox's token endpoint), or a domain error meant for the client.
    const status = isAppError(error)
      ? error.code === "INTERNAL" || error.code === "UPSTREAM_FAILED" || error.code === "UNAVAILABLE"
        ? 500
        : 400
      : typeof error?.status === "number" && error.status >= 400 && error.status < 500
        ? error.status
        : 500;
    if (status >= 500) logger.error({ err: error }, "unhandled error");
    if (response.headersSent) return;
    response
      .status(status)
      .json(
        status === 500
          ? { error: "internal_error", message: "Something went wrong on our side. Please try again." }
          : { error: "bad_request", message: "The request could not be read." },
      );
  };
  app.use(handleError);
  return app;
}

/** /api/v1 and everything under it (REST answers its own 404 there, in its error body). */
function isRestPath(url: string | undefined): boolean {
  const path = url?.split("?")[0];
  return path === REST_BASE_PATH || path?.startsWith(`${REST_BASE_PATH}/`) === true;
}

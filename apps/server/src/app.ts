import type { IncomingMessage, RequestListener } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter, createContextFactory, createRestHandler, REST_BASE_PATH } from "@unwrapped/api";
import type { Services } from "@unwrapped/services";
import express, { type ErrorRequestHandler, type Router } from "express";
import { logRequest } from "./request-logging.js";
import { apiDocs } from "./routes/api-docs.js";
import { authRoutes } from "./routes/auth-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { homePage } from "./routes/home-page.js";
import { sharePage } from "./routes/share-page.js";
import { handleCors, setSecurityHeaders } from "./security-headers.js";

export interface AppOptions {
  readonly services: Services;
  /** Demo mode: the Spotify sandbox router, mounted at /sandbox/spotify. */
  readonly sandbox?: Router | undefined;
}

/**
 * The HTTP surface of API.md as one request listener. /trpc/* goes straight to tRPC's node handler —
 * the API's hot path does not walk express's router and middleware stack — and everything else
 * (sign-in routes, pages, health, the sandbox) to an express app. /api/v1/* is REST over the same
 * procedures (createRestHandler), also straight from the listener; /api/openapi.json and /docs are express's. Both get the same request log line,
 * security headers and, for /trpc, CORS for APP_URL only.
 */
export function createRequestListener(options: AppOptions): RequestListener {
  const { services } = options;
  const { config, logger } = services;
  const https = config.server.https.mode !== "off";
  const appOrigin = new URL(config.server.appUrl).origin;
  const createContext = createContextFactory(services, logger);
  /** A request's context: the one function /trpc and REST (/api/v1) both build it with. */
  const requestContext = (
    request: IncomingMessage,
    connectionParams?: Record<string, string | undefined> | null,
  ) => createContext({ authorization: request.headers.authorization, connectionParams });
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: config.server.bodyLimitBytes,
    createContext: ({ req, info }) => requestContext(req, info.connectionParams),
  });
  const rest = createRestHandler({
    router: appRouter,
    createContext: (request) => requestContext(request),
    maxBodySize: config.server.bodyLimitBytes,
    logger,
  });
  const app = createExpressApp(options);

  return (request, response) => {
    logRequest(logger, request, response);
    setSecurityHeaders(response, { https });
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
    app(request, response);
  };
}

function createExpressApp({ services, sandbox }: AppOptions): express.Express {
  const { logger } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(healthRoutes(services));
  app.use(authRoutes(services));
  app.use(sharePage(services));
  app.use(homePage(services));
  app.use(apiDocs(services));
  if (sandbox) app.use("/sandbox/spotify", sandbox);

  app.use((_request, response) => {
    response.status(404).json({ error: "not_found", message: "There is nothing here." });
  });
  const handleError: ErrorRequestHandler = (error, _request, response, _next) => {
    const status =
      typeof error?.status === "number" && error.status >= 400 && error.status < 500 ? error.status : 500;
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

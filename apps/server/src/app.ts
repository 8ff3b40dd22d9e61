import type { RequestListener } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter, createContextFactory } from "@unwrapped/api";
import type { Services } from "@unwrapped/services";
import express, { type ErrorRequestHandler, type Router } from "express";
import { logRequest } from "./request-logging.js";
import { authRoutes } from "./routes/auth-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { sessionRoutes } from "./routes/session-routes.js";
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
 * (sign-in routes, pages, health, the sandbox) to an express app. Both get the same request log line,
 * security headers and, for /trpc, CORS for APP_URL only.
 */
export function createRequestListener(options: AppOptions): RequestListener {
  const { services } = options;
  const { config, logger } = services;
  const https = config.server.https.mode !== "off";
  const appOrigin = new URL(config.server.appUrl).origin;
  const createContext = createContextFactory(services, logger);
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: config.server.bodyLimitBytes,
    createContext: ({ req, info }) =>
      createContext({ authorization: req.headers.authorization, connectionParams: info.connectionParams }),
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
    app(request, response);
  };
}

function createExpressApp({ services, sandbox, webRoot }: AppOptions): express.Express {
  const { logger } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(healthRoutes(services));
  app.use(authRoutes(services));
  app.use(sessionRoutes(services));
  app.use(sharePage(services));
  app.use(webApp(services, webRoot === undefined ? findWebRoot() : webRoot));
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

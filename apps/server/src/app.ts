import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { appRouter, createContextFactory } from "@unwrapped/api";
import type { Services } from "@unwrapped/services";
import express, { type ErrorRequestHandler, type Router } from "express";
import { requestLogging } from "./request-logging.js";
import { authRoutes } from "./routes/auth-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { homePage } from "./routes/home-page.js";
import { sharePage } from "./routes/share-page.js";
import { corsForAppOrigin, securityHeaders } from "./security-headers.js";

export interface AppOptions {
  readonly services: Services;
  /** Demo mode: the Spotify sandbox router, mounted at /sandbox/spotify. */
  readonly sandbox?: Router | undefined;
}

/** The HTTP surface of API.md as an express app (no listening: tests and main.ts decide where). */
export function createApp({ services, sandbox }: AppOptions): express.Express {
  const { config, logger } = services;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  if (new URL(config.server.publicUrl).hostname !== config.server.host) app.set("trust proxy", "loopback");

  app.use(requestLogging(logger));
  app.use(securityHeaders({ https: config.server.https.mode !== "off" }));
  app.use(healthRoutes(services));
  app.use(authRoutes(services));
  app.use(sharePage(services));
  app.use(homePage(services));
  if (sandbox) app.use("/sandbox/spotify", sandbox);

  const createContext = createContextFactory(services, logger);
  app.use(
    "/trpc",
    corsForAppOrigin(config.server.appUrl),
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: config.server.bodyLimitBytes,
      createContext: ({ req, info }) =>
        createContext({ authorization: req.headers.authorization, connectionParams: info.connectionParams }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR" && !error.message.startsWith("Something went wrong")) {
          logger.error({ err: error, path }, "tRPC error outside a procedure");
        }
      },
    }),
  );

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

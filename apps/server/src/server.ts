import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Config } from "@unwrapped/config";
import { createDatabase, type DatabaseHandle, migrate } from "@unwrapped/db";
import {
  type Clock,
  createServices,
  defaultHttpDependencies,
  type HttpDependencies,
  type Logger,
  RETENTION_SWEEP_INTERVAL_MS,
  type Services,
  type Worker,
} from "@unwrapped/services";
import { createSandbox, type SandboxControls } from "@unwrapped/spotify-sandbox";
import { createRequestListener } from "./app.js";
import { loadTls } from "./https.js";

export interface StartServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** An existing database (tests); otherwise one is opened from config and closed with the server. */
  readonly database?: DatabaseHandle;
  readonly clock?: Clock | undefined;
  readonly http?: HttpDependencies | undefined;
  /** Slow-client limits; the defaults (SERVER_TIMEOUTS) unless a test shortens them. */
  readonly timeouts?: ServerTimeouts | undefined;
  /** The built web app's folder; by default apps/web/dist when it is built. */
  readonly webRoot?: string | null | undefined;
}

/**
 * How long a client may take. Node checks these every `checkIntervalMs`. The request timeout covers
 * receiving a request (headers and body); a response that streams (SSE) is not a request still arriving,
 * so streams are exempt.
 */
export interface ServerTimeouts {
  /** All request headers must have arrived within this (a client trickling headers is cut off). */
  readonly headersMs: number;
  /** The whole request, body included, within this. */
  readonly requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveMs: number;
  readonly checkIntervalMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 20_000,
  requestMs: 30_000,
  keepAliveMs: 10_000,
  checkIntervalMs: 5_000,
};

export interface RunningServer {
  /** The URL the server listens on (with the real port when PORT=0). */
  readonly url: string;
  readonly services: Services;
  /** Demo mode: the mounted sandbox's fault knobs. */
  readonly sandbox: SandboxControls | null;
  /** The inline worker (WORKER=inline), else null. */
  readonly worker: Worker | null;
  close(): Promise<void>;
}

/**
 * Takes the address first (a taken port fails at once, before any database work), then opens the
 * database, applies migrations (unless MIGRATE=off) and mounts everything. Until then every request
 * answers 503 "starting".
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const tls = await loadTls(config, logger);
  let ready: RequestListener | null = null;
  const route: RequestListener = (request, response) => {
    if (ready) return ready(request, response);
    response.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
    response.end('{"status":"starting"}');
  };
  const timeouts = options.timeouts ?? SERVER_TIMEOUTS;
  const limits = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, ...limits }, route)
    : createHttpServer(limits, route);
  await listen(server, config.server.host, config.server.port);

  let database: DatabaseHandle | undefined = options.database;
  let services: Services | undefined;
  try {
    database ??= await createDatabase(config.database, { applicationName: "unwrapped-server" });
    if (config.migrate) {
      const { applied } = await migrate(database.db);
      if (applied > 0) logger.info({ applied }, "applied database migrations");
    }
    // Demo mode over https with a self-signed certificate: the server calls its own sandbox through
    // PUBLIC_URL, so it must trust the certificate it made.
    const http = options.http ?? (tls && config.spotify.demo ? await trustingHttp(tls.cert) : undefined);
    services = createServices({
      config,
      database,
      logger,
      clock: options.clock,
      http,
    });
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    if (!options.database) await database?.close();
    throw error;
  }
  const sandbox = config.spotify.demo
    ? createSandbox({
        clientId: config.spotify.clientId,
        clientSecret: config.spotify.clientSecret,
        // Only our own callback, as a registered app: the sandbox must not become an open redirect.
        redirectUris: [config.spotify.redirectUri],
        latencyMs: config.spotify.sandboxLatencyMs,
        developmentMode: config.spotify.sandboxDevelopmentMode,
        accessTokenTtlSeconds: config.spotify.sandboxAccessTokenTtlSeconds,
        refreshTokenRotation: config.spotify.sandboxRefreshTokenRotation,
        refreshTokenReuseDetection: config.spotify.sandboxRefreshTokenReuseDetection,
      })
    : null;
  ready = createRequestListener({ services, sandbox: sandbox?.router, webRoot: options.webRoot });
  const worker = config.worker.mode === "inline" ? services.createWorker() : null;
  await worker?.start();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${tls ? "https" : "http"}://${host}:${address.port}`;

  const purge = setInterval(() => {
    services.retention
      .sweep()
      .catch((error: unknown) => logger.warn({ err: error }, "retention sweep failed"));
  }, RETENTION_SWEEP_INTERVAL_MS);
  purge.unref();

  return {
    url,
    services,
    sandbox: sandbox?.controls ?? null,
    worker,
    async close() {
      clearInterval(purge);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const forceClose = setTimeout(() => server.closeAllConnections(), 2_000);
      await worker?.stop();
      await closed;
      clearTimeout(forceClose);
      await services.statusHub.close();
      await services.spotifyBudget.close();
      await services.revocations.close();
      if (!options.database) await database.close();
    },
  };
}

/** The address could not be taken; the message says which setting to change. */
export class ListenError extends Error {
  override readonly name = "ListenError";
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, host, port));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

export function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case "EADDRINUSE":
      return new ListenError(
        `Port ${port} on ${host} is already in use (another unwrapped server?). Stop what uses it, or set ` +
          `PORT to a free port, e.g. PORT=${port === 65_535 ? 8001 : port + 1} pnpm start.`,
        { cause: error },
      );
    case "EACCES":
      return new ListenError(
        `Not allowed to listen on port ${port} of ${host} (ports below 1024 need privileges). Set PORT to ` +
          "1024 or above, e.g. PORT=8000.",
        { cause: error },
      );
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ListenError(
        `HOST=${host} is not an address of this machine. Set HOST to one of its addresses: 127.0.0.1 (the ` +
          "default) for this machine only, 0.0.0.0 for every network.",
        { cause: error },
      );
    default:
      return error;
  }
}

/** HTTP dependencies whose fetch trusts one extra certificate (the server's own, self-signed). */
async function trustingHttp(certificate: string): Promise<HttpDependencies> {
  // Loaded only for this case (https with a self-signed certificate in demo mode).
  const { Agent, fetch: undiciFetch } = await import("undici");
  const dispatcher = new Agent({ connect: { ca: certificate } });
  return {
    ...defaultHttpDependencies,
    fetch: ((input: string | URL, init?: RequestInit) =>
      undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof fetch,
  };
}

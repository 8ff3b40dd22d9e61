import type { Environment } from "@unwrapped/config";
import type { DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import type { Clock, HttpDependencies, Logger } from "@unwrapped/services";
import { freePort, silentLogger, testConfig } from "@unwrapped/services/testing";
import { type RunningServer, startServer } from "../../src/server.js";

export interface TestServer extends RunningServer {
  readonly database: DatabaseHandle;
  readonly config: ReturnType<typeof testConfig>;
}

/**
 * The real server on a loopback port, in demo mode (the sandbox mounted at /sandbox/spotify and used
 * over HTTP), on a database of its own (PGlite from the run's image, or a fresh PostgreSQL database).
 */
export async function startTestServer(
  options: {
    env?: Environment;
    logger?: Logger;
    clock?: Clock | undefined;
    http?: HttpDependencies | undefined;
    webRoot?: string | null | undefined;
  } = {},
): Promise<TestServer> {
  const port = await freePort();
  const database = await createIsolatedDatabase();
  const config = testConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    WORKER: "inline",
    WORKER_POLL_INTERVAL_MS: "200",
    MIGRATE: "off",
    ...options.env,
  });
  const server = await startServer({
    config,
    database,
    logger: options.logger ?? silentLogger,
    clock: options.clock,
    http: options.http,
    webRoot: options.webRoot,
  });
  return {
    ...server,
    database,
    config,
    async close() {
      await server.close();
      await database.close();
    },
  };
}

/** Where the tests' sign-ins return to: a loopback URL nothing listens on (redirects are not followed). */
export const TEST_REDIRECT = "http://127.0.0.1:9/callback";

/**
 * Sign-in the way a browser does it, one redirect at a time: /auth/spotify/login -> sandbox authorize
 * with a persona -> /auth/spotify/callback -> redirect_to with a login code. Returns the last redirect.
 */
export async function signInRedirect(
  serverUrl: string,
  persona: string,
  redirectTo = TEST_REDIRECT,
): Promise<URL> {
  const login = await fetch(`${serverUrl}/auth/spotify/login?redirect_to=${encodeURIComponent(redirectTo)}`, {
    redirect: "manual",
  });
  if (login.status !== 302) throw new Error(`login answered ${login.status}`);
  const authorize = new URL(login.headers.get("location") ?? "");
  authorize.searchParams.set("persona", persona);
  const consent = await fetch(authorize, { redirect: "manual" });
  if (consent.status !== 302) throw new Error(`authorize answered ${consent.status}`);
  const callback = await fetch(consent.headers.get("location") ?? "", { redirect: "manual" });
  if (callback.status !== 302) throw new Error(`callback answered ${callback.status}`);
  return new URL(callback.headers.get("location") ?? "");
}

export async function loginCode(serverUrl: string, persona: string): Promise<string> {
  const landed = await signInRedirect(serverUrl, persona);
  const code = landed.searchParams.get("login_code");
  if (!code) throw new Error(`sign-in failed: ${landed.searchParams.get("error")}`);
  return code;
}

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Environment } from "@unwrapped/config";
import type { DatabaseHandle } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import type { Clock, HttpDependencies, Logger } from "@unwrapped/services";
import { freePort, silentLogger, testConfig } from "@unwrapped/services/testing";
import { type RunningServer, type ServerTimeouts, startServer } from "../../src/server.js";

export interface TestServer extends RunningServer {
  readonly database: DatabaseHandle;
  readonly config: ReturnType<typeof testConfig>;
}

let fixtureWebRoot: string | undefined;

/**
 * A built web app of one page, so that the app's routes answer the same whether or not apps/web has been
 * built on this machine (a test that needs the real app builds it, as the browser journey does).
 */
function webAppFixture(): string {
  if (fixtureWebRoot) return fixtureWebRoot;
  const root = mkdtempSync(join(tmpdir(), "unwrapped-web-fixture-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(
    join(root, "index.html"),
    '<!doctype html><html lang="en"><title>unwrapped</title><script type="module" src="/assets/index-fixture.js"></script></html>',
  );
  writeFileSync(join(root, "assets", "index-fixture.js"), "");
  fixtureWebRoot = root;
  return root;
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
    timeouts?: ServerTimeouts | undefined;
    /** The built web app to serve; a one-page fixture by default, null for none (the 503 page). */
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
    // Test servers sign many listeners in from 127.0.0.1; the rate-limit tests set their own limits.
    RATE_LIMIT_SIGN_IN_BURST: "100000",
    RATE_LIMIT_AUTH_BURST: "100000",
    ...options.env,
  });
  const server = await startServer({
    config,
    database,
    logger: options.logger ?? silentLogger,
    clock: options.clock,
    http: options.http,
    timeouts: options.timeouts,
    webRoot: options.webRoot === undefined ? webAppFixture() : options.webRoot,
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

/** The cookies a response set, as a Cookie header to send back (what a browser does). */
export function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .join("; ");
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
  const callback = await fetch(consent.headers.get("location") ?? "", {
    redirect: "manual",
    headers: { cookie: cookiesOf(login) },
  });
  if (callback.status !== 302) throw new Error(`callback answered ${callback.status}`);
  return new URL(callback.headers.get("location") ?? "");
}

export async function loginCode(serverUrl: string, persona: string): Promise<string> {
  const landed = await signInRedirect(serverUrl, persona);
  const code = landed.searchParams.get("login_code");
  if (!code) throw new Error(`sign-in failed: ${landed.searchParams.get("error")}`);
  return code;
}

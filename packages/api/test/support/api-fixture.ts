import type { Config } from "@unwrapped/config";
import { type DatabaseHandle, notify } from "@unwrapped/db";
import { dbTest, testDatabase } from "@unwrapped/db/testing";
import { createServices, type Logger, type Services } from "@unwrapped/services";
import {
  memoryLogger,
  sandboxConfig,
  TEST_SPOTIFY_CLIENT_ID,
  TEST_SPOTIFY_CLIENT_SECRET,
} from "@unwrapped/services/testing";
import { type RunningSandbox, startSandbox } from "@unwrapped/spotify-sandbox";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { createLocalCaller, eventData, type LocalCaller } from "../../src/local-caller.js";

/** What every test file of this package shares, committed once in the file's database. */
export interface ApiWorld {
  readonly sandbox: RunningSandbox;
  readonly config: Config;
  readonly handle: DatabaseHandle;
  /** A listener signed in through `auth.exchange`, whose first analysis the real worker completed. */
  readonly listener: SignedInListener & { readonly completedAnalysisId: string };
}

export interface SignedInListener {
  readonly userId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** One test's view: services over its rolled-back transaction, and callers on them. */
export interface ApiScope {
  readonly world: ApiWorld;
  readonly services: Services;
  /** Log lines of this test's services (procedure failures are logged, never sent). */
  readonly logLines: () => string[];
  /** The router in process, as the given access token's user, or anonymous. */
  caller(accessToken?: string | null): LocalCaller;
  /** Signs a sandbox persona in (inside this test's transaction) the way a browser does it. */
  signIn(persona: string): Promise<SignedInListener>;
}

let world: Promise<ApiWorld> | undefined;

// Every file using this fixture starts its world before its first test: the world writes committed rows
// through the file's database, which a test's open transaction would hold (PGlite has one connection).
beforeAll(async () => {
  world = startWorld();
  await world;
});
afterAll(async () => {
  const started = await world?.catch(() => undefined);
  world = undefined;
  await started?.sandbox.close();
});

/** The file's world, for tests that run outside a transaction (`it`, not `apiTest`): LISTEN, NOTIFY. */
export function apiWorld(): Promise<ApiWorld> {
  if (!world) throw new Error("the API world starts in beforeAll; use apiTest inside a test file");
  return world;
}

async function startWorld(): Promise<ApiWorld> {
  const sandbox = await startSandbox({
    clientId: TEST_SPOTIFY_CLIENT_ID,
    clientSecret: TEST_SPOTIFY_CLIENT_SECRET,
  });
  const config = sandboxConfig(sandbox, {
    WORKER_POLL_INTERVAL_MS: "50",
    FRESH_ANALYSIS_COOLDOWN_SECONDS: "0",
  });
  const handle = await testDatabase();
  const services = createServices({ config, database: handle, logger: memoryLogger("silent").logger });
  const worker = services.createWorker();
  await worker.start();
  try {
    const listener = await signInPersona(services, "metalhead");
    const caller = createLocalCaller({ services, accessToken: listener.accessToken });
    const begun = await caller.analysis.begin();
    for await (const event of await caller.analysis.watch({ analysisId: begun.analysisId })) {
      const status = eventData(event);
      if (status.status === "failed")
        throw new Error(`the world's analysis failed: ${status.error?.message}`);
      if (status.status === "completed") break;
    }
    return { sandbox, config, handle, listener: { ...listener, completedAnalysisId: begun.analysisId } };
  } finally {
    await worker.stop();
    await services.statusHub.close();
    await services.revocations.close();
  }
}

/**
 * Sign-in as the server's routes run it, without HTTP between us and the services: begin (PKCE, state),
 * the sandbox's consent as `persona`, complete (the callback), then `auth.exchange` of the login code.
 */
export async function signInPersona(
  services: Services,
  persona: string,
  logger?: Logger,
): Promise<SignedInListener> {
  const start = await services.signIn.begin("http://127.0.0.1:9/callback");
  const authorize = new URL(start.authorizeUrl);
  authorize.searchParams.set("persona", persona);
  const consent = await fetch(authorize, { redirect: "manual" });
  await consent.body?.cancel();
  const callback = new URL(consent.headers.get("location") ?? "");
  const landed = new URL(
    await services.signIn.complete(
      {
        code: callback.searchParams.get("code") ?? "",
        state: callback.searchParams.get("state") ?? "",
      },
      start.binding,
    ),
  );
  const code = landed.searchParams.get("login_code");
  if (!code) throw new Error(`sign-in as ${persona} ended without a login code: ${landed}`);
  const session = await createLocalCaller({ services, logger }).auth.exchange({ code });
  return { userId: session.user.id, accessToken: session.accessToken, refreshToken: session.refreshToken };
}

/** Each test in a transaction of the file's database, rolled back at its end, with services on it. */
export const apiTest = dbTest.extend<{ api: ApiScope }>({
  api: async ({ db }, use) => {
    const started = await apiWorld();
    const log = memoryLogger("warn");
    // Everything through the test's transaction: PGlite has one connection, which it holds.
    const database: DatabaseHandle = {
      ...started.handle,
      db,
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      notify: (channel, payload) => notify(db, channel, payload),
      // LISTEN needs the connection the transaction holds: fail at once instead of waiting forever.
      listen: () =>
        Promise.reject(
          new Error("LISTEN cannot run in a test's transaction: watch through the world's services"),
        ),
    };
    const services = createServices({ config: started.config, database, logger: log.logger });
    try {
      await use({
        world: started,
        services,
        logLines: log.lines,
        caller: (accessToken) => createLocalCaller({ services, accessToken }),
        signIn: (persona) => signInPersona(services, persona),
      });
    } finally {
      await services.statusHub.close();
      await services.revocations.close();
    }
  },
});

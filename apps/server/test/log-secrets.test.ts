import { createClient, waitForAnalysis } from "@unwrapped/client";
import { oauthStates } from "@unwrapped/db";
import { memoryLogger } from "@unwrapped/services/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookiesOf, startTestServer, TEST_REDIRECT, type TestServer } from "./support/test-server.js";

/**
 * A whole hostile run against one server, every log line kept: then no secret it used may appear in any
 * line, including the lines of failed queries (whose parameters held OAuth states, PKCE verifiers and
 * share tokens before).
 */
describe("logs carry no secrets", () => {
  let server: TestServer;
  const log = memoryLogger("debug");
  const secrets = new Set<string>();
  beforeAll(async () => {
    server = await startTestServer({ logger: log.logger });
  });
  afterAll(async () => {
    await server.close();
  });

  async function signIn(persona: string) {
    const login = await fetch(
      `${server.url}/auth/spotify/login?redirect_to=${encodeURIComponent(TEST_REDIRECT)}`,
      {
        redirect: "manual",
      },
    );
    const authorize = new URL(login.headers.get("location") ?? "");
    const state = authorize.searchParams.get("state") ?? "";
    secrets.add(state);
    const [stored] = await server.database.db.select().from(oauthStates).where(sql`state = ${state}`);
    if (stored) secrets.add(stored.codeVerifier);
    authorize.searchParams.set("persona", persona);
    const consent = await fetch(authorize, { redirect: "manual" });
    const callback = new URL(consent.headers.get("location") ?? "");
    secrets.add(callback.searchParams.get("code") ?? "");
    return { login, callback, state };
  }

  it("never writes a token, code, state, verifier or share token, whatever the run throws at it", async () => {
    // A normal sign-in and analysis.
    const first = await signIn("metalhead");
    const landed = await fetch(first.callback, {
      redirect: "manual",
      headers: { cookie: cookiesOf(first.login) },
    });
    const loginCode = new URL(landed.headers.get("location") ?? "").searchParams.get("login_code") ?? "";
    secrets.add(loginCode);
    const session = await createClient({ url: server.url }).auth.exchange.mutate({ code: loginCode });
    secrets.add(session.accessToken);
    secrets.add(session.refreshToken);
    const client = createClient({ url: server.url, accessToken: session.accessToken });
    const begun = await client.analysis.begin.mutate();
    await waitForAnalysis(client, { analysisId: begun.analysisId });
    const result = await client.analysis.result.query({ analysisId: begun.analysisId });
    secrets.add(result.shareToken ?? "");

    // Hostile traffic: forged callbacks, NUL bytes, replayed codes, bad tokens, unknown shares.
    await fetch(first.callback, { redirect: "manual" });
    await fetch(`${server.url}/auth/spotify/callback?state=${first.state}%00&code=x`, { redirect: "manual" });
    await fetch(`${server.url}/s/${result.shareToken}%00`);
    await createClient({ url: server.url })
      .auth.exchange.mutate({ code: loginCode })
      .catch(() => null);
    await createClient({ url: server.url, accessToken: `${session.accessToken}x` })
      .auth.me.query()
      .catch(() => null);
    await createClient({ url: server.url })
      .share.get.query({ token: `${result.shareToken}-nope` })
      .catch(() => null);

    // Failed queries carrying secrets as parameters: the state's insert and its consumption.
    await server.database.db.execute(sql`
      create function refuse_oauth_state() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test'; end $$`);
    await server.database.db.execute(
      sql`create trigger refuse_oauth_state_update before update on oauth_states for each row execute function refuse_oauth_state()`,
    );
    const second = await signIn("chart-pop");
    for (let attempt = 0; attempt < 5; attempt++) {
      const failed = await fetch(second.callback, {
        redirect: "manual",
        headers: { cookie: cookiesOf(second.login) },
      });
      expect(failed.status).toBe(500);
    }
    await server.database.db.execute(
      sql`create trigger refuse_oauth_state_insert before insert on oauth_states for each row execute function refuse_oauth_state()`,
    );
    const refusedStart = await fetch(`${server.url}/auth/spotify/login`, { redirect: "manual" });
    expect(refusedStart.status).toBe(500);
    await server.database.db.execute(sql`drop trigger refuse_oauth_state_insert on oauth_states`);
    await server.database.db.execute(sql`drop trigger refuse_oauth_state_update on oauth_states`);

    await createClient({ url: server.url }).auth.logout.mutate({ refreshToken: session.refreshToken });

    const lines = log.lines();
    const failedQueries = lines.filter((line) => line.includes("Failed query"));
    expect(failedQueries.length).toBeGreaterThan(0); // the failures were logged…
    expect(failedQueries.every((line) => line.includes("params: [redacted]"))).toBe(true); // …without values
    // The same failure five times in a row is one line, not five.
    expect(lines.filter((line) => line.includes('update \\"oauth_states\\"')).length).toBe(1);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(lines.find((line) => line.includes(secret))).toBeUndefined();
    }
  });
});

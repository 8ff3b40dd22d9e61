import { TRPCClientError } from "@trpc/client";
import { createClient, signInWithPersona, waitForAnalysis } from "@unwrapped/client";
import { analyses, sessions, spotifyCredentials, users } from "@unwrapped/db";
import { freePort, silentLogger, testConfig } from "@unwrapped/services/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/server.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

/** Two server processes of one deployment: the same database, PUBLIC_URL and JWT_SECRET. */
describe("revocation across server processes", () => {
  let first: TestServer;
  let second: RunningServer;
  beforeAll(async () => {
    first = await startTestServer();
    second = await startServer({
      config: testConfig({
        PORT: String(await freePort()),
        PUBLIC_URL: first.url,
        WORKER: "external",
        MIGRATE: "off",
      }),
      database: first.database,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  /** Resolves when the second process has heard that this family was revoked. */
  const heardRevocation = (familyId: () => string) =>
    new Promise<void>((resolve) => {
      const stop = second.services.revocations.onRevoked((revoked) => {
        if (revoked === familyId()) {
          stop();
          resolve();
        }
      });
    });

  async function authReason(promise: Promise<unknown>) {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    return (error as TRPCClientError<never>).data as unknown as { code: string; authReason: string };
  }

  it("ends a logged-out family's access tokens on the other process too, without a database read per request", async () => {
    const session = await signInWithPersona({ url: first.url, persona: "metalhead" });
    const onSecond = createClient({ url: second.url, accessToken: session.accessToken });
    await expect(onSecond.auth.me.query()).resolves.toMatchObject({ id: session.user.id }); // now cached
    const claims = await second.services.accessTokens.verify(session.accessToken);

    const heard = heardRevocation(() => claims.sessionId);
    await createClient({ url: first.url }).auth.logout.mutate({ refreshToken: session.refreshToken });
    // At once on the process that logged out, and as soon as the NOTIFY arrives on the other.
    expect(
      await authReason(createClient({ url: first.url, accessToken: session.accessToken }).auth.me.query()),
    ).toMatchObject({ code: "UNAUTHORIZED", authReason: "session_ended" });
    await heard;
    expect(await authReason(onSecond.auth.me.query())).toMatchObject({
      code: "UNAUTHORIZED",
      authReason: "session_ended",
    });
  });

  it("ends the family on refresh-token reuse", async () => {
    const session = await signInWithPersona({ url: first.url, persona: "chart-pop" });
    const claims = await first.services.accessTokens.verify(session.accessToken);
    const anonymous = createClient({ url: first.url });
    const rotated = await anonymous.auth.refresh.mutate({ refreshToken: session.refreshToken });
    const heard = heardRevocation(() => claims.sessionId);
    await anonymous.auth.refresh.mutate({ refreshToken: session.refreshToken }).catch(() => null); // reuse
    await heard;
    for (const server of [first.url, second.url]) {
      expect(
        await authReason(createClient({ url: server, accessToken: rotated.accessToken }).auth.me.query()),
      ).toMatchObject({ authReason: "session_ended" });
    }
  });

  it("account.delete removes everything at once: share links 404 and tokens stop working everywhere", async () => {
    const session = await signInWithPersona({ url: first.url, persona: "jazz-soul-nostalgic" });
    const client = createClient({ url: first.url, accessToken: session.accessToken });
    const begun = await client.analysis.begin.mutate();
    await waitForAnalysis(client, { analysisId: begun.analysisId });
    const result = await client.analysis.result.query({ analysisId: begun.analysisId });
    const token = result.shareToken ?? "";
    expect((await fetch(`${first.url}/s/${token}`)).status).toBe(200);
    const claims = await second.services.accessTokens.verify(session.accessToken);

    const heard = heardRevocation(() => claims.sessionId);
    await expect(client.account.delete.mutate()).resolves.toEqual({ ok: true });
    for (const server of [first.url, second.url]) {
      expect((await fetch(`${server}/s/${token}`)).status).toBe(404);
      const shared = await authReason(createClient({ url: server }).share.get.query({ token }));
      expect(shared.code).toBe("NOT_FOUND");
    }
    expect(await authReason(client.auth.me.query())).toMatchObject({ authReason: "session_ended" });
    await heard;
    expect(
      await authReason(
        createClient({ url: second.url, accessToken: session.accessToken }).analysis.history.query(),
      ),
    ).toMatchObject({ code: "UNAUTHORIZED" });
    const db = first.database.db;
    expect(await db.select().from(users).where(eq(users.id, session.user.id))).toEqual([]);
    expect(await db.select().from(sessions).where(eq(sessions.userId, session.user.id))).toEqual([]);
    expect(await db.select().from(analyses).where(eq(analyses.userId, session.user.id))).toEqual([]);
    expect(
      await db.select().from(spotifyCredentials).where(eq(spotifyCredentials.userId, session.user.id)),
    ).toEqual([]);
  });

  it("a token of a user that no longer exists is UNAUTHORIZED, also on a process that never saw it", async () => {
    const session = await signInWithPersona({ url: first.url, persona: "indie-obscurist" });
    // Deleted behind every process's back (no NOTIFY): the once-per-token session check still refuses it.
    await first.database.db.delete(users).where(eq(users.id, session.user.id));
    expect(
      await authReason(
        createClient({ url: second.url, accessToken: session.accessToken }).analysis.begin.mutate(),
      ),
    ).toMatchObject({ code: "UNAUTHORIZED", authReason: "session_ended" });
  });

  it("account.disconnectSpotify forgets the Spotify tokens and keeps the verdicts", async () => {
    const session = await signInWithPersona({ url: first.url, persona: "metalhead" });
    const client = createClient({ url: first.url, accessToken: session.accessToken });
    const latest = await client.analysis.begin.mutate();
    await waitForAnalysis(client, { analysisId: latest.analysisId });
    await expect(client.account.disconnectSpotify.mutate()).resolves.toEqual({ ok: true });
    expect(
      await first.database.db
        .select()
        .from(spotifyCredentials)
        .where(eq(spotifyCredentials.userId, session.user.id)),
    ).toEqual([]);
    await expect(client.analysis.result.query({ analysisId: latest.analysisId })).resolves.toMatchObject({
      analysisId: latest.analysisId,
    });
  });
});

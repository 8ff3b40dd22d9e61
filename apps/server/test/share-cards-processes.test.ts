import { type ChildProcess, spawn } from "node:child_process";
import { shareCards } from "@unwrapped/db";
import { createIsolatedDatabase } from "@unwrapped/db/testing";
import { createServices, type Services } from "@unwrapped/services";
import {
  eventually,
  freePort,
  silentLogger,
  TEST_ENCRYPTION_KEY,
  TEST_JWT_SECRET,
  testConfig,
} from "@unwrapped/services/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenFor, insertSharedVerdict, pngDimensions } from "./support/shared-verdicts.js";
import { rawClient } from "./support/trpc-client.js";

const REPOSITORY_ROOT = new URL("../../..", import.meta.url).pathname;
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

/** The server from its source, as its own OS process, on the given database (no worker, no migration). */
async function startServerProcess(databaseUrl: string, publicUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = testConfig().dataDir;
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: REPOSITORY_ROOT,
    stdio: "ignore",
    env: {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: String(port),
      // Both answer for one public origin (behind one load balancer), so one access token fits both.
      PUBLIC_URL: publicUrl,
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      WORKER: "external",
      MIGRATE: "off",
      LOG_LEVEL: "silent",
    },
  });
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const response = await fetch(`${url}/readyz`).catch(() => null);
      return response?.status === 200;
    },
    { timeoutMs: 60_000, message: "the server process did not become ready" },
  );
  return { url, child };
}

describe.skipIf(!onPostgres)(
  "share images across server processes (PostgreSQL only: PGlite is one process)",
  () => {
    const servers: ServerProcess[] = [];
    let services: Services;
    let close: () => Promise<void>;

    beforeAll(async () => {
      const database = await createIsolatedDatabase();
      const publicUrl = "http://127.0.0.1:9";
      services = createServices({
        config: testConfig({ PUBLIC_URL: publicUrl }),
        database,
        logger: silentLogger,
      });
      const url = database.config.url ?? "";
      servers.push(await startServerProcess(url, publicUrl), await startServerProcess(url, publicUrl));
      close = () => database.close();
    }, 120_000);

    afterAll(async () => {
      for (const server of servers) {
        server.child.kill("SIGTERM");
        if (server.child.exitCode === null)
          await new Promise((resolve) => server.child.once("exit", resolve));
      }
      await close?.();
    });

    it("draws an image once for both, and 404s it on both the moment the link is revoked or rotated", async () => {
      const [a, b] = servers as [ServerProcess, ServerProcess];
      const token = "two-process-token-0123456789abcdef";
      const { analysisId, userId } = await insertSharedVerdict(services.database.db, { shareToken: token });

      const fromA = await fetch(`${a.url}/s/${token}/card.png`);
      expect(fromA.status).toBe(200);
      const bytes = Buffer.from(await fromA.arrayBuffer());
      expect(pngDimensions(bytes)).toEqual({ width: 1200, height: 630 });
      const storedAt = async () =>
        (
          await services.database.db
            .select({ createdAt: shareCards.createdAt })
            .from(shareCards)
            .where(eq(shareCards.analysisId, analysisId))
        ).map((row) => row.createdAt.getTime());
      const drawnByA = await storedAt();
      expect(drawnByA).toHaveLength(1);
      // B reads A's drawing from the shared table (a drawing of its own would rewrite the row).
      const fromB = await fetch(`${b.url}/s/${token}/card.png`);
      expect(fromB.headers.get("etag")).toBe(fromA.headers.get("etag"));
      expect(Buffer.from(await fromB.arrayBuffer()).equals(bytes)).toBe(true);
      expect(await storedAt()).toEqual(drawnByA);
      expect(
        (
          await fetch(`${b.url}/s/${token}/card.png`, {
            headers: { "if-none-match": fromA.headers.get("etag") ?? "" },
          })
        ).status,
      ).toBe(304);

      expect((await fetch(`${b.url}/s/${token}`)).status).toBe(200);
      const client = rawClient(a.url, await accessTokenFor(services, userId));
      await client.share.revoke.mutate({ analysisId });
      for (const server of [a, b]) {
        for (const size of ["card", "story"]) {
          expect((await fetch(`${server.url}/s/${token}/${size}.png`)).status, `${server.url} ${size}`).toBe(
            404,
          );
        }
      }

      const rotated = await rawClient(b.url, await accessTokenFor(services, userId)).share.rotate.mutate({
        analysisId,
      });
      for (const server of [a, b]) {
        expect((await fetch(`${server.url}/s/${token}/card.png`)).status).toBe(404);
        expect((await fetch(`${server.url}/s/${rotated.shareToken}/card.png`)).status).toBe(200);
      }
    });
  },
);

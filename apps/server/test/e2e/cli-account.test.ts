import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "@unwrapped/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe("unwrapped account", () => {
  let server: TestServer;
  let home: string;
  beforeAll(async () => {
    server = await startTestServer();
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-account-"));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  async function run(args: string[], answers: boolean[] = []) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const questions: string[] = [];
    const code = await runCli(args, {
      io: {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: (text: string) => stderr.push(text) },
      },
      env: { configDirectory: join(home, "unwrapped"), server: undefined, noColor: true },
      confirm: async (question) => {
        questions.push(question);
        return answers.shift() ?? false;
      },
    });
    return { code, stdout: stdout.join(""), stderr: stderr.join(""), questions };
  }

  const credentials = () => join(home, "unwrapped", "credentials.json");

  it("asks before deleting; no answer deletes nothing; yes deletes the account and the local credentials", async () => {
    expect((await run(["login", "--server", server.url, "--persona", "metalhead"])).code).toBe(0);
    expect((await run(["analyze"])).code).toBe(0);
    const share = (await run(["share"])).stdout.trim();
    expect((await fetch(share)).status).toBe(200);

    const declined = await run(["account", "delete"], [false]);
    expect(declined.questions).toEqual([expect.stringContaining("This cannot be undone.")]);
    expect(declined).toMatchObject({ code: 1, stderr: expect.stringContaining("Nothing was deleted.") });
    expect((await fetch(share)).status).toBe(200);
    expect(existsSync(credentials())).toBe(true);

    const deleted = await run(["account", "delete"], [true]);
    expect(deleted).toMatchObject({ code: 0, stdout: expect.stringContaining("Deleted") });
    expect((await fetch(share)).status).toBe(404);
    expect(existsSync(credentials())).toBe(false);
  });

  it("deletes without asking with --yes", async () => {
    expect((await run(["login", "--server", server.url, "--persona", "chart-pop"])).code).toBe(0);
    const stored = JSON.parse(await readFile(credentials(), "utf8"));
    const deleted = await run(["account", "delete", "--yes"]);
    expect(deleted.questions).toEqual([]);
    expect(deleted.code).toBe(0);
    // The old session is gone with the account.
    const again = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { authorization: `Bearer ${stored.accessToken}` },
    });
    expect(again.status).toBe(401);
  });

  it("disconnect-spotify keeps the verdicts; an unknown action is a usage error", async () => {
    expect((await run(["login", "--server", server.url, "--persona", "jazz-soul-nostalgic"])).code).toBe(0);
    expect((await run(["analyze"])).code).toBe(0);
    expect((await run(["account", "disconnect-spotify"])).code).toBe(0);
    expect((await run(["result"])).code).toBe(0);
    const wrong = await run(["account", "erase"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Unknown action "erase"');
  });
});

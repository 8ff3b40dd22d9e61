import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "@unwrapped/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

describe("unwrapped match <share-url>", () => {
  let server: TestServer;
  let home: string;
  beforeAll(async () => {
    server = await startTestServer();
    home = await mkdtemp(join(tmpdir(), "unwrapped-cli-match-"));
  });
  afterAll(async () => {
    await server.close();
    await rm(home, { recursive: true, force: true });
  });

  /** The CLI in process, as the listener whose credentials live under `who`. */
  async function cli(who: string, ...args: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(args, {
      io: {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: (text: string) => stderr.push(text) },
      },
      env: { configDirectory: join(home, who), server: undefined, noColor: true },
    });
    return { code, stdout: stdout.join(""), stderr: stderr.join("") };
  }

  it("prints the match of my latest verdict with a friend's share, and refuses a revoked one", async () => {
    expect((await cli("friend", "login", "--server", server.url, "--persona", "chart-pop")).code).toBe(0);
    expect((await cli("friend", "analyze")).code).toBe(0);
    const shareUrl = (await cli("friend", "share")).stdout.trim();
    expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]+$/);

    expect((await cli("me", "login", "--server", server.url, "--persona", "indie-obscurist")).code).toBe(0);
    const early = await cli("me", "match", shareUrl);
    expect(early).toMatchObject({ code: 1, stdout: "" });
    expect(early.stderr).toContain("no verdict to compare yet");
    expect((await cli("me", "analyze")).code).toBe(0);

    const match = await cli("me", "match", shareUrl);
    expect(match).toMatchObject({ code: 0, stderr: "" });
    expect(match.stdout).toMatch(/^[A-Z-]+( [A-Z-]+){1,3}\n/);
    expect(match.stdout).toMatch(/You × .+: \d+% compatible/);
    expect(match.stdout).toContain("Shared artists:");
    expect(match.stdout).toMatch(new RegExp(`Share: ${server.url}/m/[A-Za-z0-9_-]+\\n$`));
    for (const line of match.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);

    const json = JSON.parse((await cli("me", "match", shareUrl, "--json", "--tone", "savage")).stdout);
    expect(json).toMatchObject({ tone: "savage", compatibility: expect.any(Number) });
    const page = await fetch(json.shareUrl);
    expect(page.status).toBe(200);
    await page.body?.cancel();

    expect((await cli("friend", "share", "--revoke")).code).toBe(0);
    const revoked = await cli("me", "match", shareUrl);
    expect(revoked).toEqual({
      code: 1,
      stdout: "",
      stderr: "That share link does not exist or was revoked.\n",
    });
  });

  it("says what is wrong with the argument, in one line", async () => {
    const [none, bad, matchLink, badTone] = await Promise.all([
      cli("nobody", "match"),
      cli("nobody", "match", "not a link"),
      cli("nobody", "match", "http://127.0.0.1:1/m/abcdefghijklmnopqrstuvwxyz012345"),
      cli("nobody", "match", "abcdefghijklmnopqrstuvwxyz012345", "--tone", "rude"),
    ]);
    expect(none).toMatchObject({ code: 2, stderr: expect.stringContaining("Give one share link") });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("is not a share link") });
    expect(matchLink).toMatchObject({ code: 2, stderr: expect.stringContaining("That is a match link") });
    expect(badTone).toMatchObject({ code: 2, stderr: expect.stringContaining("--tone must be one of") });
    for (const run of [none, bad, matchLink, badTone])
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

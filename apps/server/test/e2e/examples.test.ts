import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

const EXAMPLES = fileURLToPath(new URL("../../../../examples/", import.meta.url));

function runExample(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "verdict.ts", ...args],
      { cwd: EXAMPLES, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe("examples/verdict.ts", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("signs in a persona, follows the analysis and prints the verdict with its share link", async () => {
    const run = await runExample(["indie-obscurist", server.url]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("done 100%");
    expect(run.stdout).toMatch(new RegExp(`Share it: ${server.url}/s/[A-Za-z0-9_-]+\\n$`));
  });

  it("takes the server from UNWRAPPED_SERVER, like the CLI", async () => {
    const run = await runExample(["chart-pop"], { UNWRAPPED_SERVER: server.url });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(new RegExp(`Share it: ${server.url}/s/[A-Za-z0-9_-]+\\n$`));
  });

  it("says in one line when the persona is unknown, and which ones there are", async () => {
    const run = await runExample(["nobody-at-all", server.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `^Unknown persona "nobody-at-all"\\. The server at ${server.url} is in demo mode; its personas are .*metalhead.*\\n$`,
      ),
    );
  });
});

import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

const EXAMPLES = fileURLToPath(new URL("../../../../examples/", import.meta.url));
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: EXAMPLES, env: { PATH: process.env.PATH }, timeout: 170_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/**
 * examples/rest-api.d.ts is what openapi-typescript makes of the served document, and
 * examples/rest-verdict.ts is an openapi-fetch client on those types: it must compile and run the
 * sign-in -> begin -> status -> result journey.
 */
describe("a client generated from the OpenAPI document (openapi-typescript + openapi-fetch)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("has types that are what the server documents now", async () => {
    const check = await run(["--import", "tsx", "rest-types.ts", server.url, "--check"]);
    expect(check).toMatchObject({ code: 0, stderr: "" });
  });

  // tsc on a shared machine can take a while: a generous limit, not a speed check.
  it("compiles", { timeout: 180_000 }, async () => {
    const compiled = await run([TSC, "-p", "tsconfig.json", "--noEmit"]);
    expect(compiled).toMatchObject({ code: 0, stdout: "" });
  });

  it("signs in a persona, begins, polls the status and prints the verdict", {
    timeout: 120_000,
  }, async () => {
    const journey = await run(["--import", "tsx", "rest-verdict.ts", "jazz-soul-nostalgic", server.url]);
    expect(journey).toMatchObject({ code: 0, stderr: "" });
    expect(journey.stdout).toMatch(/\(analysed \d{4}-\d\d-\d\dT[\d:.]+Z\)/);
    expect(journey.stdout).toMatch(new RegExp(`Share it: ${server.url}/s/[A-Za-z0-9_-]+\\n$`));
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually, freePort } from "@unwrapped/services/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../scripts/build-app.js";

const APP = fileURLToPath(new URL("..", import.meta.url));
const MIGRATIONS = fileURLToPath(new URL("../../../migrations", import.meta.url));

interface Started {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** `node main.js` of a build, with only the given settings (as `pnpm start` runs it, minus the build). */
function startBuilt(mainFile: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, [mainFile], {
    env: { PATH: process.env.PATH, NODE_ENV: "development", LOG_LEVEL: "info", ...env },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe("the server built to dist/", () => {
  let outDirectory: string;
  let mainFile: string;
  let inputs: readonly string[];
  beforeAll(async () => {
    outDirectory = await mkdtemp(join(tmpdir(), "unwrapped-server-dist-"));
    const built = await buildApp({ appDirectory: APP, outDirectory });
    // node finds the external packages from the bundle's folder upwards, as from apps/server/dist.
    await symlink(join(APP, "node_modules"), join(outDirectory, "node_modules"));
    mainFile = built.outFile;
    inputs = built.inputs;
  });
  afterAll(async () => {
    await rm(outDirectory, { recursive: true, force: true });
  });

  it("bundles the workspace packages and the plain-JavaScript ones, leaves the rest to node_modules, ships the migrations", async () => {
    const code = await readFile(mainFile, "utf8");
    expect(code).not.toMatch(/from ["']@unwrapped\//);
    expect(code).not.toMatch(/from ["'](express|zod|drizzle-orm|postgres)["']/);
    expect(code).toMatch(/from ["']pino["']/); // finds its transport workers next to its own files
    expect(code).toMatch(/import\(["']@electric-sql\/pglite["']\)/); // loaded when a PGlite database opens
    expect(inputs).toContain("packages/db/src/migrate.ts");
    const bundledPackages = new Set(
      inputs
        .filter((input) => input.includes("node_modules"))
        .map((input) => input.split("/node_modules/").at(-1)?.split("/")[0]),
    );
    expect(bundledPackages).toContain("express");
    expect(bundledPackages).not.toContain("pino");
    expect((await readdir(join(outDirectory, "migrations"))).sort()).toEqual(
      (await readdir(MIGRATIONS)).sort(),
    );
  });

  it("runs with plain node: migrates a new database from dist/migrations, serves, stops on Ctrl-C with 0", async () => {
    const port = await freePort();
    const server = startBuilt(mainFile, {
      DATABASE_URL: "memory://",
      PORT: String(port),
      DATA_DIR: join(outDirectory, "data"),
    });
    try {
      await eventually(
        async () => {
          if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output()}`);
          const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
          await response?.body?.cancel();
          return response?.status === 200;
        },
        { timeoutMs: 60_000, intervalMs: 50, message: "the built server never became ready" },
      );
      const lines = server
        .output()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)); // not a terminal: JSON
      const migrations = (await readdir(MIGRATIONS)).filter((file) => file.endsWith(".sql"));
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: "applied database migrations", applied: migrations.length }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: expect.stringContaining(`http://127.0.0.1:${port}/sandbox/spotify/`),
        }),
      );
      expect(server.output()).not.toContain('"msg":"request"'); // request lines are debug
    } finally {
      server.child.kill("SIGINT");
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"shutting down"');
  });

  it("says which variable to change when the port is taken, without a stack, before opening a database", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const server = startBuilt(mainFile, { DATABASE_URL: "memory://", PORT: String(port) });
      expect(await server.exited).toBe(1);
      const output = server.output();
      expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(output).toContain("set PORT to a free port");
      expect(output).not.toMatch(/\n\s+at /);
      expect(output).not.toContain("applied database migrations");
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

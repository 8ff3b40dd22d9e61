import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Platform } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

/** The npm package an input file belongs to (pnpm's store paths carry peer names, so read the tail). */
function packageName(input: string): string | null {
  const tail = input.split("node_modules/").at(-1);
  if (!tail || tail === input) return null;
  const [scopeOrName, name] = tail.split("/");
  return scopeOrName?.startsWith("@") ? `${scopeOrName}/${name}` : (scopeOrName ?? null);
}

const SOURCE = fileURLToPath(new URL("../src/", import.meta.url));
const entry = join(SOURCE, "index.ts");

/** Words only server code contains: the web framework, the ORM, the drivers, the logger, our services. */
const SERVER_WORDS = [
  /\bexpress\b/,
  /drizzle/,
  /\bpostgres\b/,
  /pglite/i,
  /\bpino\b/,
  /createServices/,
  /appRouter/,
];

async function bundle(platform: Platform) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform,
    format: "esm",
    metafile: true,
    // Drops the "// node_modules/..." path comments (pnpm paths name peers such as @types+express).
    minifyWhitespace: true,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]?.text ?? "", inputs: Object.keys(result.metafile.inputs) };
}

describe("the client's sources", () => {
  it("import the server only as the router's type, in one module", () => {
    const files = readdirSync(SOURCE, { recursive: true, encoding: "utf8" }).filter((file) =>
      file.endsWith(".ts"),
    );
    const importing = files.filter((file) =>
      /from "@unwrapped\//.test(readFileSync(join(SOURCE, file), "utf8")),
    );
    expect(importing).toEqual(["router-types.ts"]);
    const imports = readFileSync(join(SOURCE, "router-types.ts"), "utf8").match(/^import .*$/gm) ?? [];
    expect(imports.filter((line) => line.includes("@unwrapped/"))).toEqual([
      'import type { AppRouter } from "@unwrapped/api";',
    ]);
  });
});

describe("the client bundled for a browser", () => {
  let code: string;
  let inputs: string[];
  beforeAll(async () => {
    ({ code, inputs } = await bundle("browser"));
  });

  it("contains the tRPC client and our links", () => {
    expect(inputs.some((input) => input.includes("@trpc/client"))).toBe(true);
    expect(code).toContain("httpBatchLink");
    expect(code).toContain("httpSubscriptionLink");
    expect(code).toContain("refreshAfterExpiry");
  });

  it("carries no server code and no Node built-ins", () => {
    const firstParty = inputs.filter((input) => !input.includes("node_modules/"));
    expect(firstParty.length).toBeGreaterThan(0);
    expect(firstParty.filter((input) => !input.startsWith("packages/client/src/"))).toEqual([]);
    const packages = new Set(inputs.map(packageName).filter((name) => name !== null));
    expect(packages).toContain("@trpc/client");
    expect(packages).toContain("superjson");
    // tRPC, superjson and superjson's own small dependencies: nothing else may ride along.
    const allowed = new Set(["@trpc/client", "@trpc/server", "superjson", "copy-anything", "is-what"]);
    expect([...packages].filter((name) => !allowed.has(name))).toEqual([]);
    for (const word of SERVER_WORDS) expect(code).not.toMatch(word);
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it("uses the browser's EventSource, not the Node polyfill", () => {
    expect(inputs.some((input) => input.includes("sse-transport.browser.ts"))).toBe(true);
    expect(inputs.filter((input) => /eventsource|sse-transport\.node/.test(input))).toEqual([]);
  });
});

describe("the client bundled for Node (as the CLI bundles it)", () => {
  it("carries no server code either: only the client, tRPC's client side, superjson and eventsource", async () => {
    const { code, inputs } = await bundle("node");
    expect(
      inputs.filter((input) => !input.includes("node_modules/") && !input.startsWith("packages/client/src/")),
    ).toEqual([]);
    expect(inputs.some((input) => input.includes("sse-transport.node.ts"))).toBe(true);
    const packages = new Set(inputs.map(packageName).filter((name) => name !== null));
    const allowed = new Set([
      "@trpc/client",
      "@trpc/server",
      "superjson",
      "copy-anything",
      "is-what",
      "eventsource",
      "eventsource-parser",
    ]);
    expect([...packages].filter((name) => !allowed.has(name))).toEqual([]);
    for (const word of SERVER_WORDS) expect(code).not.toMatch(word);
  });
});

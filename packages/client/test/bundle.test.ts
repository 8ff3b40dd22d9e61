import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

/** The npm package an input file belongs to (pnpm's store paths carry peer names, so read the tail). */
function packageName(input: string): string | null {
  const tail = input.split("node_modules/").at(-1);
  if (!tail || tail === input) return null;
  const [scopeOrName, name] = tail.split("/");
  return scopeOrName?.startsWith("@") ? `${scopeOrName}/${name}` : (scopeOrName ?? null);
}

const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));

describe("the client bundled for a browser", () => {
  let code: string;
  let inputs: string[];
  beforeAll(async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      metafile: true,
      // Drops the "// node_modules/..." path comments (pnpm paths name peers such as @types+express).
      minifyWhitespace: true,
      logLevel: "silent",
    });
    code = result.outputFiles[0]?.text ?? "";
    inputs = Object.keys(result.metafile.inputs);
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
    for (const word of [/\bexpress\b/, /drizzle/, /\bpostgres\b/, /pglite/i, /\bpino\b/]) {
      expect(code).not.toMatch(word);
    }
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it("uses the browser's EventSource, not the Node polyfill", () => {
    expect(inputs.some((input) => input.includes("sse-transport.browser.ts"))).toBe(true);
    expect(inputs.filter((input) => /eventsource|sse-transport\.node/.test(input))).toEqual([]);
  });
});

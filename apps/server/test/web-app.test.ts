import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.js";

describe("the web app, served at /", () => {
  let server: TestServer;
  let webRoot: string;
  beforeAll(async () => {
    // A built app's layout: index.html, hashed assets, an unhashed file next to index.html.
    webRoot = mkdtempSync(join(tmpdir(), "unwrapped-web-"));
    mkdirSync(join(webRoot, "assets"));
    writeFileSync(
      join(webRoot, "index.html"),
      '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>',
    );
    writeFileSync(join(webRoot, "assets", "index-abc123.js"), "console.log('app')");
    writeFileSync(join(webRoot, "favicon.svg"), "<svg/>");
    server = await startTestServer({ webRoot });
  });
  afterAll(async () => {
    await server.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  it("answers index.html with no-cache and a strict CSP at / and at each app route", async () => {
    for (const path of [
      "/",
      "/?login_code=abc",
      "/analysis/4f0c1d9e-0000-4000-8000-000000000000",
      "/history",
      "/match/x1",
      "/matches",
      "/compare/tok12345678",
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(await response.text()).toContain("/assets/index-abc123.js");
    }
  });

  it("serves hashed assets as immutable for a year", async () => {
    const asset = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${server.url}/favicon.svg`)).headers.get("cache-control")).toBe(
      "public, max-age=3600",
    );
  });

  it("leaves other paths alone: unknown paths and assets are 404, the API and share pages are theirs", async () => {
    expect((await fetch(`${server.url}/assets/missing-123.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const share = await fetch(`${server.url}/s/unknown-token`);
    expect(share.status).toBe(404);
    expect(await share.text()).not.toContain("index-abc123");
  });
});

describe("the web app before it is built", () => {
  it("answers 503 with the command that builds it", async () => {
    const server = await startTestServer({ webRoot: null });
    try {
      const response = await fetch(`${server.url}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("pnpm build");
    } finally {
      await server.close();
    }
  });
});

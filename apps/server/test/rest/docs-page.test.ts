import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginCode, startTestServer, type TestServer } from "../support/test-server.js";

const CHROMIUM = "/usr/bin/chromium";

describe("GET /docs in Chromium", () => {
  let server: TestServer;
  let browser: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    server = await startTestServer();
    profile = await mkdtemp(path.join(tmpdir(), "unwrapped-docs-"));
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(profile, { recursive: true, force: true });
  });

  it("serves its own Content-Security-Policy with no remote origin, and Swagger UI from this server", async () => {
    const response = await fetch(`${server.url}/docs`);
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/https?:|\*/);
    const page = await response.text();
    expect(page).not.toMatch(/<script>|https?:\/\//);
    const bundle = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await fetch(`${server.url}/docs/assets/package.json`)).status).toBe(404);
  });

  it("loads with no console errors, lists the operations, and calls one with the token given to Authorize", {
    timeout: 90_000,
  }, async () => {
    const session = (await (
      await fetch(`${server.url}/api/v1/auth/exchange`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: await loginCode(server.url, "classical-curator") }),
      })
    ).json()) as { accessToken: string; user: { displayName: string } };

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const offSite: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("data:"))
        offSite.push(request.url());
    });

    await page.goto(`${server.url}/docs`);
    await page
      .getByRole("button", { name: /authorize/i })
      .first()
      .click();
    await page.locator(".modal-ux input").fill(session.accessToken);
    await page.getByRole("button", { name: "Apply credentials" }).click();
    await page.locator(".modal-ux").getByRole("button", { name: "Close" }).click();

    const me = page.locator("#operations-auth-auth-me");
    await me.locator(".opblock-summary").click();
    await me.getByRole("button", { name: "Execute" }).click();
    const live = me.locator(".live-responses-table tbody .response-col_status");
    await expect.poll(() => live.first().textContent(), { timeout: 30_000 }).toMatch(/^\s*200/);
    expect(await me.locator(".live-responses-table").textContent()).toContain(session.user.displayName);

    expect(await page.locator(".opblock").count()).toBeGreaterThanOrEqual(15);
    expect(problems).toEqual([]);
    expect(offSite).toEqual([]);
    await page.close();
  });
});

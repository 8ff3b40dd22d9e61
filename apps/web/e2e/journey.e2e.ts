import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findWebRoot } from "../../server/src/routes/web-app.js";
import { startTestServer, type TestServer } from "../../server/test/support/test-server.js";
import { launchChromium, seriousViolations } from "./browser.js";

/** Where screenshots go when E2E_SCREENSHOTS names a folder (to look at what a person sees). */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

/** The sandbox's artist images point at Spotify's CDN, which this machine cannot reach: a stand-in. */
async function offlineImages(context: BrowserContext) {
  await context.route("https://i.scdn.co/**", (route) =>
    route.fulfill({
      contentType: "image/svg+xml",
      body: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#7a5cff"/></svg>',
    }),
  );
}

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800, persona: "metalhead", friend: "indie-obscurist" },
  { name: "phone", width: 390, height: 844, persona: "chart-pop", friend: "jazz-soul-nostalgic" },
] as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG (its IHDR chunk), after checking the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Clicks what starts a download and returns the downloaded file's bytes (Playwright's download event). */
async function downloadOf(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  const path = await download.path();
  return readFileSync(path);
}

describe("the web app in Chromium", () => {
  let server: TestServer;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let browser: Browser;
  beforeAll(async () => {
    // Sandbox latency keeps the analysis running long enough to be watched; nothing waits for it.
    // The real built app (`pnpm test:e2e` builds it first), not the test server's one-page fixture.
    const webRoot = findWebRoot();
    if (!webRoot) throw new Error("apps/web is not built: run `pnpm build` (pnpm test:e2e does)");
    server = await startTestServer({ env: { SANDBOX_LATENCY_MS: "250" }, webRoot });
    chromium = await launchChromium();
    browser = chromium.browser;
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`goes from nothing to a shared verdict and back at ${viewport.width}×${viewport.height}`, async () => {
      const context = await browser.newContext({ viewport, reducedMotion: "reduce" });
      await offlineImages(context);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      const visited: Record<string, string[]> = {};
      const check = async (name: string) => {
        visited[name] = (await seriousViolations(page)).map(
          (violation) =>
            `${violation.impact} ${violation.id}: ${violation.help} (${violation.targets.join(", ")})`,
        );
        if (SCREENSHOTS) {
          mkdirSync(SCREENSHOTS, { recursive: true });
          await page.screenshot({ path: join(SCREENSHOTS, `${viewport.name}-${name}.png`), fullPage: true });
        }
      };

      // Signed out: what it does, and the way in.
      await page.goto(server.url);
      const signIn = page.getByRole("link", { name: "Sign in with Spotify" });
      await signIn.waitFor();
      await page.getByText(/Demo mode/).waitFor();
      await check("signed-out");

      // Sign in through the sandbox's consent page by clicking a listener.
      await signIn.click();
      await page.getByRole("link", { name: new RegExp(viewport.persona) }).click();
      const analyse = page.getByRole("button", { name: "Analyse my taste" });
      await analyse.waitFor();
      expect(new URL(page.url()).search).toBe(""); // the login code left the address bar
      await check("home");

      // Analyse, watching the progress bar: every value it shows is recorded in the page.
      await page.evaluate(() => {
        const seen: number[] = [];
        (window as unknown as { progressSeen: number[] }).progressSeen = seen;
        const record = () => {
          const bar = document.querySelector('[role="progressbar"]');
          const value = bar?.getAttribute("aria-valuenow");
          if (value !== null && value !== undefined && seen.at(-1) !== Number(value))
            seen.push(Number(value));
        };
        new MutationObserver(record).observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ["aria-valuenow"],
        });
      });
      await page.getByRole("radio", { name: "Savage" }).check();
      await analyse.click();
      await page.getByRole("progressbar").waitFor();
      const heading = page.getByRole("heading", { level: 1 });
      await page.getByRole("button", { name: "Copy share link" }).waitFor({ timeout: 60_000 });
      const label = (await heading.textContent())?.trim() ?? "";
      expect(label.length).toBeGreaterThan(0);
      const progress = await page.evaluate(
        () => (window as unknown as { progressSeen: number[] }).progressSeen,
      );
      expect(progress.length).toBeGreaterThan(0);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      expect(progress.every((value) => value >= 0 && value <= 100)).toBe(true);
      const analysisPath = new URL(page.url()).pathname;
      expect(analysisPath).toMatch(/^\/analysis\/[0-9a-f-]{36}$/);
      await page.getByText("savage", { exact: false }).first().waitFor();
      await page.getByRole("img", { name: /Mainstream \d+ of 100|Too little listening/ }).waitFor();
      await check("verdict");

      // "Download story image" hands over the verdict's story as a PNG file.
      const story = await downloadOf(page, () =>
        page.getByRole("button", { name: "Download story image" }).click(),
      );
      expect(pngSize(story)).toEqual({ width: 1080, height: 1920 });

      // Copy the share link, and open it signed out in a second browser context.
      const shareLink = page.getByRole("link", { name: /\/s\// });
      const shareUrl = (await shareLink.textContent())?.trim() ?? "";
      expect(await shareLink.getAttribute("href")).toBe(shareUrl);
      await page.getByRole("button", { name: "Copy share link" }).click();
      await page.getByText("Share link copied.").waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shareUrl);

      const visitor = await browser.newContext({ viewport });
      const visitorPage = await visitor.newPage();
      const shared = await visitorPage.goto(shareUrl);
      expect(shared?.status()).toBe(200);
      await visitorPage.getByText(label).first().waitFor();

      // Turn sharing off: the link is a 404. A new link works.
      await page.getByRole("button", { name: "Turn off sharing" }).click();
      await page
        .getByText(/Sharing is off/)
        .first()
        .waitFor();
      expect((await visitorPage.goto(shareUrl))?.status()).toBe(404);
      await page.getByRole("button", { name: "New share link" }).click();
      const newLink = page.getByRole("link", { name: /\/s\// });
      await newLink.waitFor();
      const newUrl = (await newLink.textContent())?.trim() ?? "";
      expect(newUrl).not.toBe(shareUrl);
      expect((await visitorPage.goto(newUrl))?.status()).toBe(200);
      expect((await visitorPage.goto(shareUrl))?.status()).toBe(404);
      await visitor.close();

      // A friend, signed in as another listener in their own context, gets a verdict, opens the share
      // page and presses "Compare with my taste": the match page, then its link and pictures.
      const friend = await browser.newContext({ viewport, reducedMotion: "reduce" });
      await offlineImages(friend);
      const friendPage = await friend.newPage();
      await friendPage.goto(server.url);
      await friendPage.getByRole("link", { name: "Sign in with Spotify" }).click();
      await friendPage.getByRole("link", { name: new RegExp(viewport.friend) }).click();
      await friendPage.getByRole("button", { name: "Analyse my taste" }).click();
      await friendPage.getByRole("button", { name: "Copy share link" }).waitFor({ timeout: 60_000 });
      await friendPage.goto(newUrl);
      await friendPage.getByRole("link", { name: "Compare with my taste" }).click();
      await friendPage.waitForURL(/\/match\/[0-9a-f-]{36}$/, { timeout: 60_000 });
      const matchHeading = friendPage.getByRole("heading", { level: 1 });
      await friendPage
        .locator(".compatibility")
        .getByText(/\d+ % compatible/)
        .waitFor();
      const pairLabel = (await matchHeading.textContent())?.trim() ?? "";
      expect(pairLabel).toMatch(/^[A-Z][A-Z' -]+$/);
      await friendPage.getByRole("heading", { name: "Shared artists" }).waitFor();
      await friendPage.getByRole("heading", { name: "Biggest difference" }).waitFor();
      await friendPage.getByText(label).first().waitFor(); // the other side's verdict label
      const matchAxe = await seriousViolations(friendPage);
      if (SCREENSHOTS) {
        await friendPage.screenshot({
          path: join(SCREENSHOTS, `${viewport.name}-match.png`),
          fullPage: true,
        });
      }
      expect(matchAxe).toEqual([]);

      // The match as a picture: the link's story downloads as a PNG, its card is the preview size.
      const matchLink = friendPage.getByRole("link", { name: /\/m\// });
      const matchUrl = (await matchLink.textContent())?.trim() ?? "";
      const matchStory = await downloadOf(friendPage, () =>
        friendPage.getByRole("link", { name: "Match story image" }).click(),
      );
      expect(pngSize(matchStory)).toEqual({ width: 1080, height: 1920 });
      const matchCard = await friendPage.request.get(`${matchUrl}/card.png`);
      expect(matchCard.status()).toBe(200);
      expect(pngSize(await matchCard.body())).toEqual({ width: 1200, height: 630 });
      const stranger = await browser.newContext({ viewport });
      const strangerPage = await stranger.newPage();
      expect((await strangerPage.goto(matchUrl))?.status()).toBe(200);
      await strangerPage.getByRole("heading", { level: 1, name: pairLabel }).waitFor();
      await friendPage.getByRole("button", { name: "Turn off sharing" }).click();
      await friendPage.getByText(/the old match link no longer works/).waitFor();
      expect((await strangerPage.goto(matchUrl))?.status()).toBe(404);
      expect((await friendPage.request.get(`${matchUrl}/card.png`)).status()).toBe(404);
      await stranger.close();

      // The list has it; deleting it leaves the list empty.
      await friendPage.getByRole("link", { name: "Matches" }).click();
      await friendPage.getByRole("heading", { level: 1, name: "Your matches" }).waitFor();
      await friendPage.getByRole("link", { name: new RegExp(pairLabel) }).click();
      await friendPage.getByRole("button", { name: "Delete match" }).click();
      await friendPage.getByRole("heading", { level: 1, name: "Your matches" }).waitFor();
      await friendPage.getByText("No matches yet.").waitFor();
      await friend.close();

      // History lists it, and opens it.
      await page.getByRole("link", { name: "History" }).click();
      await page.getByRole("heading", { level: 1, name: "Your verdicts" }).waitFor();
      const entry = page.locator(`a[href="${analysisPath}"]`);
      await entry.waitFor();
      await check("history");
      await entry.click();
      await page.getByRole("heading", { level: 1, name: label }).waitFor();

      // A reload keeps the session (through the cookie); sign out ends it, and a reload stays out.
      await page.reload();
      await page.getByRole("heading", { level: 1, name: label }).waitFor();
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("link", { name: "Sign in with Spotify" }).waitFor();
      await page.reload();
      await page.getByRole("link", { name: "Sign in with Spotify" }).waitFor();
      expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(0);

      // JavaScript never held a refresh token: nothing in storage, the cookie is HttpOnly.
      expect(
        await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]),
      ).toEqual([0, 0, ""]);
      await context.close();

      expect(visited).toEqual({ "signed-out": [], home: [], verdict: [], history: [] });
      expect(problems.filter((text) => !/401|404|Unauthorized|Not Found/i.test(text))).toEqual([]);
    });
  }

  it("works by keyboard alone, in the dark colour scheme, through a dropped stream", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      colorScheme: "dark",
      reducedMotion: "reduce",
    });
    await offlineImages(context);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const page = await context.newPage();
    /** Presses Tab until the focused element is the named control (at most 40 times). */
    const tabTo = async (name: string) => {
      for (let presses = 0; presses < 40; presses++) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const element = document.activeElement;
          return (element?.closest("label") ?? element)?.textContent?.trim() ?? "";
        });
        if (focused === name) return;
      }
      throw new Error(`Tab never reached "${name}"`);
    };
    await page.goto(server.url);
    await page.getByRole("link", { name: "Sign in with Spotify" }).waitFor();
    await tabTo("Sign in with Spotify");
    await page.keyboard.press("Enter");
    // A listener no other test here signs in as, so this one starts with no verdict.
    await page.locator("a.persona").nth(4).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Analyse my taste" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The tone by arrow keys inside the radio group (Tab lands on the checked one), then start.
    await tabTo("Balanced");
    await page.keyboard.press("ArrowRight");
    expect(await page.getByRole("radio", { name: "Savage" }).isChecked()).toBe(true);
    // The first connection of the live progress stream drops: it reconnects by itself.
    const watches: string[] = [];
    await page.route("**/trpc/analysis.watch**", async (route) => {
      watches.push(route.request().url());
      if (watches.length === 1) await route.abort("connectionreset");
      else await route.continue();
    });
    await tabTo("Analyse my taste");
    await page.keyboard.press("Enter");

    await page.getByRole("progressbar").waitFor();
    await page.getByRole("button", { name: "Copy share link" }).waitFor({ timeout: 60_000 });
    expect(watches.length).toBeGreaterThanOrEqual(2);

    await tabTo("Copy share link");
    await page.keyboard.press("Enter");
    await page.getByText("Share link copied.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    if (SCREENSHOTS)
      await page.screenshot({ path: join(SCREENSHOTS, "phone-dark-verdict.png"), fullPage: true });

    // The dialog: focus goes in (on Cancel), Escape closes it and focus comes back.
    await tabTo("Delete my data");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Delete my data");
    await context.close();
  });

  it("deletes the listener's data after a confirmation", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await offlineImages(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("link", { name: "Sign in with Spotify" }).click();
    await page.getByRole("link", { name: /new-listener/ }).click();
    await page.getByRole("button", { name: "Delete my data" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await check(page);
    await dialog.getByRole("button", { name: "Delete" }).click();
    await page.getByText("Your data is deleted").waitFor();
    await page.reload();
    await page.getByRole("link", { name: "Sign in with Spotify" }).waitFor();
    await context.close();

    async function check(current: Page) {
      expect(await seriousViolations(current)).toEqual([]);
    }
  });
});

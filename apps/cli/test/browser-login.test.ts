import { describe, expect, it } from "vitest";
import { listenForLoginRedirect } from "../src/browser-login.js";

describe("the loopback listener for browser sign-in", () => {
  it("hands over the login code and tells the browser it can close the tab", async () => {
    const listener = await listenForLoginRedirect({
      timeoutMs: 60_000,
      giveUp: new AbortController().signal,
    });
    try {
      expect(listener.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const response = await fetch(`${listener.redirectUrl}?login_code=abc123`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("You can close this tab");
      await expect(listener.loginCode).resolves.toBe("abc123");
    } finally {
      await listener.close();
    }
  });

  it("fails with the sign-in error the server sent back", async () => {
    const listener = await listenForLoginRedirect({
      timeoutMs: 60_000,
      giveUp: new AbortController().signal,
    });
    try {
      const failed = expect(listener.loginCode).rejects.toThrow(
        "Sign-in failed: the sign-in was cancelled on Spotify (access_denied).",
      );
      const response = await fetch(`${listener.redirectUrl}?error=access_denied`);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("cancelled on Spotify");
      await failed;
    } finally {
      await listener.close();
    }
  });

  it("ignores other paths and gives up when its time is up", async () => {
    const timeUp = new AbortController();
    const listener = await listenForLoginRedirect({ timeoutMs: 5 * 60_000, giveUp: timeUp.signal });
    try {
      const stray = await fetch(new URL("/favicon.ico", listener.redirectUrl));
      expect(stray.status).toBe(404);
      await stray.body?.cancel();
      timeUp.abort();
      await expect(listener.loginCode).rejects.toThrow("Gave up waiting for the sign-in after 5 minute(s).");
      const late = await fetch(`${listener.redirectUrl}?login_code=too-late`);
      await late.body?.cancel();
      await expect(listener.loginCode).rejects.toThrow(/Gave up/);
    } finally {
      await listener.close();
    }
  });
});

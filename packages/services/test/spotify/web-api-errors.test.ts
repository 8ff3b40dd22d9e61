import { describe, expect, it } from "vitest";
import { isQuotaExceeded, isUserNotRegistered } from "../../src/spotify/web-api-errors.js";

describe("isUserNotRegistered", () => {
  it("recognises Spotify's answers to a user a development-mode app does not admit, as text or JSON", () => {
    for (const text of [
      "Check settings on developer.spotify.com/dashboard, the user may not be registered.",
      "User not registered in the Developer Dashboard",
      JSON.stringify({
        error: {
          status: 403,
          message: "Check settings on developer.spotify.com/dashboard, the user may not be registered.",
        },
      }),
    ])
      expect(isUserNotRegistered(403, text)).toBe(true);
  });

  it("leaves other 403s (a missing scope) and other statuses alone", () => {
    expect(
      isUserNotRegistered(
        403,
        JSON.stringify({ error: { status: 403, message: "Insufficient client scope" } }),
      ),
    ).toBe(false);
    expect(isUserNotRegistered(403, "Forbidden")).toBe(false);
    expect(isUserNotRegistered(401, "User not registered in the Developer Dashboard")).toBe(false);
  });
});

describe("isQuotaExceeded", () => {
  it("is a 429 whose error object has reason QUOTA_EXCEEDED, and nothing else", () => {
    const quota = { error: { status: 429, message: "Too many requests", reason: "QUOTA_EXCEEDED" } };
    expect(isQuotaExceeded(429, JSON.stringify(quota))).toBe(true);
    expect(
      isQuotaExceeded(429, JSON.stringify({ error: { status: 429, message: "API rate limit exceeded" } })),
    ).toBe(false);
    expect(isQuotaExceeded(429, "")).toBe(false);
    expect(isQuotaExceeded(503, JSON.stringify(quota))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { isAllowedRedirect, withQuery } from "../../src/auth/redirect-allow-list.js";

describe("isAllowedRedirect", () => {
  const appUrl = "https://app.unwrapped.example";

  it("allows the app's own origin and loopback CLI listeners", () => {
    expect(isAllowedRedirect("https://app.unwrapped.example/welcome?x=1", appUrl)).toBe(true);
    expect(isAllowedRedirect("http://127.0.0.1:53211/callback", appUrl)).toBe(true);
  });

  it("refuses foreign origins, look-alikes, other schemes and loopback without a port", () => {
    for (const target of [
      "https://evil.example/",
      "https://app.unwrapped.example.evil.example/",
      "http://app.unwrapped.example/", // scheme differs
      "https://app.unwrapped.example:8443/",
      "https://user:pass@app.unwrapped.example/",
      "javascript:alert(1)",
      "http://127.0.0.1/callback",
      "https://127.0.0.1:4000/callback",
      "http://localhost:4000/callback",
      "//evil.example",
      "not a url",
    ]) {
      expect(isAllowedRedirect(target, appUrl), target).toBe(false);
    }
  });

  it("adds query parameters without dropping existing ones", () => {
    expect(withQuery("http://127.0.0.1:5000/callback?keep=1", { login_code: "abc" })).toBe(
      "http://127.0.0.1:5000/callback?keep=1&login_code=abc",
    );
  });
});

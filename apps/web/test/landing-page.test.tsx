import { describe, expect, it } from "vitest";
import { signInHref } from "../src/pages/landing-page";

describe("the landing page's sign-in link", () => {
  it("starts a plain sign-in from the home page", () => {
    expect(signInHref({ origin: "http://127.0.0.1:8000", pathname: "/", search: "" })).toBe(
      "/auth/spotify/login",
    );
  });

  it("comes back to the page it was opened on, such as a friend's compare link", () => {
    const href = signInHref({ origin: "http://127.0.0.1:8000", pathname: "/compare/abc123", search: "" });
    const url = new URL(href, "http://127.0.0.1:8000");
    expect(url.pathname).toBe("/auth/spotify/login");
    expect(url.searchParams.get("redirect_to")).toBe("http://127.0.0.1:8000/compare/abc123");
  });
});

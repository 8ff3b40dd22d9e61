import { describe, expect, it } from "vitest";
import { displayNameOf, fnv1a } from "../../../src/analysis/rules-judge/copy.js";

describe("fnv1a", () => {
  it("matches the reference FNV-1a 32-bit values", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });
});

describe("displayNameOf", () => {
  it("collapses whitespace, keeps three words and treats an empty name as none", () => {
    expect(displayNameOf("  Sam   Smith ")).toBe("Sam Smith");
    expect(displayNameOf("Alexandria Ocasio Quintessence Montgomery")).toBe(
      "Alexandria Ocasio Quintessence…",
    );
    expect(displayNameOf("   ")).toBeNull();
    expect(displayNameOf(null)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { shareTokenOf } from "../src/commands/match.js";
import { UsageError } from "../src/errors.js";

const TOKEN = "abcdefghijklmnopqrstuvwxyz_-0123";

describe("shareTokenOf", () => {
  it("takes the token of a share link, or a bare token", () => {
    expect(shareTokenOf(`https://unwrapped.example/s/${TOKEN}`)).toBe(TOKEN);
    expect(shareTokenOf(`  http://127.0.0.1:8000/s/${TOKEN}?utm=x  `)).toBe(TOKEN);
    expect(shareTokenOf(TOKEN)).toBe(TOKEN);
  });

  it("refuses anything else with a usage error", () => {
    for (const input of [
      "",
      "hello",
      `https://unwrapped.example/m/${TOKEN}`,
      `https://unwrapped.example/s/${TOKEN}/extra`,
      "https://unwrapped.example/s/short",
    ]) {
      expect(() => shareTokenOf(input), input).toThrow(UsageError);
    }
  });
});

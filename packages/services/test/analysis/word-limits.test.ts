import { describe, expect, it } from "vitest";
import { countWords, LABEL_WORDS, withinWordLimits } from "../../src/analysis/word-limits.js";

describe("word limits", () => {
  it("count whitespace-separated words, whatever the whitespace", () => {
    expect(countWords("")).toBe(0);
    expect(countWords("  one\ttwo\n\nthree  ")).toBe(3);
    expect(countWords("CHART-CHASING POP MAXIMALIST")).toBe(3);
  });

  it("hold a text to its limits, both ends included", () => {
    expect(withinWordLimits("SOLO", LABEL_WORDS)).toBe(false);
    expect(withinWordLimits("TWO WORDS", LABEL_WORDS)).toBe(true);
    expect(withinWordLimits("ONE TWO THREE FOUR", LABEL_WORDS)).toBe(true);
    expect(withinWordLimits("ONE TWO THREE FOUR FIVE", LABEL_WORDS)).toBe(false);
  });
});

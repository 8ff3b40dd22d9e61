import { describe, expect, it } from "vitest";
import { choosePunchline, PUNCHLINE_MAX_CHARACTERS } from "../src/punchline.js";

describe("choosePunchline", () => {
  it("skips the opening sentence and takes the shortest whole sentence that fits a card", () => {
    const verdict =
      "Your listening history reads like a long and winding road through every decade at once. " +
      "You have replayed the same four albums since 2009 and you call that loyalty, which is generous. " +
      "Nobody needed this much synth-pop in one life. " +
      "Too short.";
    expect(choosePunchline(verdict)).toBe("Nobody needed this much synth-pop in one life.");
  });

  it("does not depend on wording: the same shapes with other words give the same position", () => {
    const a = "Opening words set a scene here for you. A b c d e f g h i j k. Short one here, five words.";
    const b = "Another scene is set with other words. K j i h g f e d c b a. Tiny line with five words.";
    const sentencesOf = (text: string) => text.split(/(?<=\.) /);
    expect(sentencesOf(a).indexOf(choosePunchline(a))).toBe(sentencesOf(b).indexOf(choosePunchline(b)));
  });

  it("never picks the opening when another sentence exists, even a long one, and cuts it at a word", () => {
    const long = `Then ${"word ".repeat(60).trim()}.`;
    const punchline = choosePunchline(`Short opening sentence with words. ${long}`);
    expect(punchline).not.toContain("opening");
    expect([...punchline].length).toBeLessThanOrEqual(PUNCHLINE_MAX_CHARACTERS);
    expect(punchline.endsWith("word…")).toBe(true);
  });

  it("uses the only sentence there is, and nothing for an empty verdict", () => {
    expect(choosePunchline("Just one sentence about your taste in music.")).toBe(
      "Just one sentence about your taste in music.",
    );
    expect(choosePunchline("   ")).toBe("");
  });
});

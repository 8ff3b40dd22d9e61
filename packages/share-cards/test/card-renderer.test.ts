import * as fontkit from "fontkit";
import { describe, expect, it } from "vitest";
import { CARD_SIZES, type CardInput, type CardSize } from "../src/card-input.js";
import { cardLayout } from "../src/card-layout.js";
import { CardRenderer } from "../src/card-renderer.js";
import { FontLibrary } from "../src/fonts.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, which follows the signature. */
function pngSize(png: Buffer) {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function input(overrides: Partial<CardInput> = {}): CardInput {
  return {
    heading: "Robin's music taste",
    label: "NOSTALGIC MILLENNIAL",
    punchline: "You have replayed the same four albums since 2009 and call it loyalty.",
    mainstream: 0.7,
    criticalAcclaim: 0.3,
    genres: ["indie pop", "emo", "synth-pop"],
    artists: ["Taylor Swift", "Radiohead", "Björk"],
    siteName: "unwrapped",
    siteHost: "unwrapped.example",
    ...overrides,
  };
}

const renderer = new CardRenderer();

describe("CardRenderer", () => {
  it.each(Object.keys(CARD_SIZES) as CardSize[])("draws a %s as a PNG of its exact size", async (size) => {
    const card = await renderer.render(input(), size);
    expect(pngSize(card.png)).toEqual(CARD_SIZES[size]);
    expect(card.missing).toEqual([]);
    expect(card.families).toEqual(["Inter"]);
  });

  const exoticNames: [string, string, string[]][] = [
    ["HTML", `<script>alert("x")</script> & <b>bold</b>`, ["Inter"]],
    ["200 characters", `${"Zoë-Ångström ".repeat(16)}end`.slice(0, 200), ["Inter"]],
    ["Arabic (RTL)", "محمد عبد الله", ["Inter", "Noto Sans Arabic"]],
    ["Hebrew (RTL)", "שלום עליכם", ["Inter", "Noto Sans Hebrew"]],
    ["Chinese", "李小龙的音乐", ["Inter", "Noto Sans SC"]],
    ["Japanese", "さくら カタカナ", ["Inter", "Noto Sans SC"]],
    ["Korean", "김민준 한국", ["Inter", "Noto Sans KR"]],
    ["Cyrillic and Greek", "Дмитрий Αλέξανδρος", ["Inter"]],
  ];

  it.each(exoticNames)(
    "draws a %s display name with a font that has every glyph",
    async (_, name, families) => {
      const card = await renderer.render(input({ heading: `${name}'s music taste` }), "card");
      expect(pngSize(card.png)).toEqual(CARD_SIZES.card);
      expect(card.missing).toEqual([]);
      expect(card.families).toEqual(families);
      // Independently of the planner: the file chosen for each character has that character's glyph.
      const library = new FontLibrary();
      for (const character of name.replace(/\s/g, "")) {
        const codePoint = character.codePointAt(0) ?? 0;
        const subset = library.subsetFor(codePoint);
        expect(subset, `U+${codePoint.toString(16)}`).not.toBeNull();
        const font = fontkit.create(
          await import("node:fs").then((fs) => fs.readFileSync(subset?.file ?? "")),
        );
        const parsed = "fonts" in font ? font.fonts[0] : font;
        expect(
          parsed?.hasGlyphForCodePoint(codePoint),
          `U+${codePoint.toString(16)} in ${subset?.file}`,
        ).toBe(true);
      }
    },
  );

  it("draws emoji, including ZWJ sequences, flags and skin tones, as Twemoji pictures", async () => {
    const emoji = ["🎧", "👩‍💻", "🇯🇵", "👋🏽", "❤️‍🔥"];
    const card = await renderer.render(input({ heading: `DJ ${emoji.join(" ")}'s music taste` }), "story");
    expect(pngSize(card.png)).toEqual(CARD_SIZES.story);
    expect(card.missing).toEqual([]);
    expect([...card.emoji].sort()).toEqual([...emoji].sort());
  });

  it("reports characters no font covers and draws a replacement mark instead of a silent box", async () => {
    const ugaritic = "\u{10380}\u{10381}";
    const card = await renderer.render(input({ heading: `Tablet ${ugaritic}'s music taste` }), "card");
    expect(pngSize(card.png)).toEqual(CARD_SIZES.card);
    expect(card.missing).toEqual(["\u{10380}", "\u{10381}"]);
  });

  it("draws a different image when what it shows changes, and the same image when it does not", async () => {
    const first = await renderer.render(input(), "card");
    const again = await renderer.render(input(), "card");
    const other = await renderer.render(input({ label: "CHAOTIC NEUTRAL" }), "card");
    expect(again.png.equals(first.png)).toBe(true);
    expect(other.png.equals(first.png)).toBe(false);
  });
});

describe("cardLayout", () => {
  const texts = (tree: unknown): string[] => {
    const found: string[] = [];
    const walk = (node: unknown) => {
      if (typeof node === "string") found.push(node);
      else if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object" && "props" in node)
        walk((node as { props: { children?: unknown } }).props.children);
    };
    walk(tree);
    return found;
  };
  const dots = (tree: unknown): number => JSON.stringify(tree).split('"borderRadius":"50%"').length - 1;

  it("names the quadrants and places one dot for a scored verdict", () => {
    const tree = cardLayout(input(), "card");
    expect(texts(tree)).toEqual(
      expect.arrayContaining([
        "Hidden gems",
        "Crowd-pleasing classics",
        "Basement oddities",
        "Guilty pleasures",
      ]),
    );
    expect(dots(tree)).toBe(1);
  });

  it("has no dot, and says why, when there was too little listening to score", () => {
    for (const size of ["card", "story"] as const) {
      const tree = cardLayout(input({ mainstream: null, criticalAcclaim: null }), size);
      expect(dots(tree)).toBe(0);
      expect(texts(tree)).toContain("Too little listening to place yet");
    }
  });
});

/// <reference path="./fontkit.d.ts" />
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as fontkit from "fontkit";

const require = createRequire(import.meta.url);

export type FontWeight = 400 | 700;
export const FONT_WEIGHTS: readonly FontWeight[] = [400, 700];

/** A font as satori takes it: the buffer of one WOFF file, its family name and weight. */
export interface CardFont {
  readonly name: string;
  readonly data: Buffer;
  readonly weight: FontWeight;
  readonly style: "normal";
}

/**
 * One family of a @fontsource package. Fontsource splits a font into subsets (by script for Latin,
 * Arabic and Hebrew, into ~100 numbered slices for CJK), each a WOFF file with the unicode-range it
 * covers in the package's unicode.json. Satori reads WOFF (not WOFF2), so we load the `.woff` files.
 */
interface FontFamily {
  readonly name: string;
  readonly packageName: string;
  readonly fileStem: string;
}

/**
 * The families in order of preference: Inter for Latin, Greek and Cyrillic, then one Noto family per
 * script Inter lacks. A character takes the first family that covers it.
 */
const FAMILIES: readonly FontFamily[] = [
  { name: "Inter", packageName: "@fontsource/inter", fileStem: "inter" },
  { name: "Noto Sans Arabic", packageName: "@fontsource/noto-sans-arabic", fileStem: "noto-sans-arabic" },
  { name: "Noto Sans Hebrew", packageName: "@fontsource/noto-sans-hebrew", fileStem: "noto-sans-hebrew" },
  { name: "Noto Sans SC", packageName: "@fontsource/noto-sans-sc", fileStem: "noto-sans-sc" },
  { name: "Noto Sans KR", packageName: "@fontsource/noto-sans-kr", fileStem: "noto-sans-kr" },
];

/** A subset file of a family and the code points it covers. */
interface Subset {
  readonly family: FontFamily;
  /** The subset's name in file names: "latin", "arabic", "[57]" -> "57". */
  readonly key: string;
  readonly directory: string;
  readonly ranges: readonly (readonly [number, number])[];
}

/** What a text needs: the font files covering it, and the code points nothing covers. */
export interface FontPlan {
  readonly fonts: CardFont[];
  readonly families: string[];
  readonly missing: number[];
}

/**
 * The fonts of the cards, loaded lazily: a text asks for the subsets its characters need, each file is
 * read once per process and kept (the set is finite: the packages' files).
 */
export class FontLibrary {
  readonly #subsets: readonly Subset[];
  readonly #files = new Map<string, Buffer>();
  readonly #coverage = new Map<string, (codePoint: number) => boolean>();

  constructor() {
    this.#subsets = FAMILIES.flatMap((family) => {
      const directory = dirname(require.resolve(`${family.packageName}/package.json`));
      const unicode = JSON.parse(readFileSync(join(directory, "unicode.json"), "utf8")) as Record<
        string,
        string
      >;
      return Object.entries(unicode).map(([name, range]) => ({
        family,
        key: name.replace(/^\[(\d+)\]$/, "$1"),
        directory,
        ranges: parseUnicodeRange(range),
      }));
    });
  }

  /** The subset that draws a code point, or null when no family has it. */
  subsetFor(codePoint: number): { family: string; file: string } | null {
    const subset = this.#subsetFor(codePoint);
    return subset ? { family: subset.family.name, file: this.#path(subset, 400) } : null;
  }

  /**
   * The fonts for a text: the Latin subset of the main family always (satori needs one font even for an
   * empty text, and it draws digits and punctuation), plus every subset a character needs, in both
   * weights. Characters no subset covers are reported, never silently left to render as boxes.
   */
  plan(text: string): FontPlan {
    const needed = new Set<Subset>();
    const latin = this.#subsets.find((subset) => subset.family === FAMILIES[0] && subset.key === "latin");
    if (latin) needed.add(latin);
    const missing = new Set<number>();
    for (const character of text) {
      const codePoint = character.codePointAt(0) ?? 0;
      if (isIgnorable(codePoint)) continue;
      const subset = this.#subsetFor(codePoint);
      if (subset) needed.add(subset);
      else missing.add(codePoint);
    }
    const ordered = this.#subsets.filter((subset) => needed.has(subset));
    return {
      fonts: ordered.flatMap((subset) =>
        FONT_WEIGHTS.map((weight) => ({
          // One name per subset file: satori keeps a single font per name and weight, so subsets
          // sharing their family's name would hide each other (the first would win for every glyph).
          name: subset.key === "latin" ? subset.family.name : `${subset.family.name} ${subset.key}`,
          data: this.#file(this.#path(subset, weight)),
          weight,
          style: "normal" as const,
        })),
      ),
      families: [...new Set(ordered.map((subset) => subset.family.name))],
      missing: [...missing],
    };
  }

  /**
   * The first subset whose font has a glyph for the code point. The unicode-range narrows the search,
   * the font's own character map decides: Google's CJK slices share their ranges across SC, JP and KR,
   * so a Chinese slice's range lists Hangul it does not draw.
   */
  #subsetFor(codePoint: number): Subset | undefined {
    return this.#subsets.find(
      (subset) =>
        subset.ranges.some(([from, to]) => codePoint >= from && codePoint <= to) &&
        this.#covers(subset, codePoint),
    );
  }

  #covers(subset: Subset, codePoint: number): boolean {
    const path = this.#path(subset, 400);
    let covers = this.#coverage.get(path);
    if (!covers) {
      const font = fontkit.create(this.#file(path));
      const parsed = "fonts" in font ? font.fonts[0] : font;
      covers = (point) => parsed?.hasGlyphForCodePoint(point) ?? false;
      this.#coverage.set(path, covers);
    }
    return covers(codePoint);
  }

  #path(subset: Subset, weight: FontWeight): string {
    return join(subset.directory, "files", `${subset.family.fileStem}-${subset.key}-${weight}-normal.woff`);
  }

  #file(path: string): Buffer {
    let data = this.#files.get(path);
    if (!data) {
      data = readFileSync(path);
      this.#files.set(path, data);
    }
    return data;
  }
}

/** "U+0000-00FF,U+0131" -> [[0, 255], [305, 305]]. */
export function parseUnicodeRange(range: string): [number, number][] {
  return range.split(",").map((part) => {
    const [from = "0", to] = part.trim().replace(/^U\+/i, "").split("-");
    const start = Number.parseInt(from, 16);
    return [start, to === undefined ? start : Number.parseInt(to, 16)];
  });
}

/**
 * Code points that draw nothing themselves: controls, spaces, joiners, variation selectors and
 * bidirectional marks. They need no glyph, so they are never "missing".
 */
function isIgnorable(codePoint: number): boolean {
  return (
    codePoint <= 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x2028 && codePoint <= 0x202e) ||
    (codePoint >= 0x2060 && codePoint <= 0x206f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    (codePoint >= 0xe0100 && codePoint <= 0xe01ef) ||
    codePoint === 0xfeff
  );
}

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const EMOJI_PATTERN = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** The graphemes of a text that are emoji (a whole ZWJ sequence, flag or skin-tone variant is one). */
export function emojiIn(text: string): string[] {
  const found = new Set<string>();
  for (const { segment } of graphemes.segment(text)) {
    if (EMOJI_PATTERN.test(segment)) found.add(segment);
  }
  return [...found];
}

/** A text without its emoji graphemes: what the fonts must cover. */
export function withoutEmoji(text: string): string {
  let out = "";
  for (const { segment } of graphemes.segment(text)) {
    if (!EMOJI_PATTERN.test(segment)) out += segment;
  }
  return out;
}

/**
 * Emoji are drawn as images, from Twemoji's SVGs (the @twemoji/svg package): satori's graphemeImages
 * maps each emoji grapheme of the card to a data URI, so an emoji is a picture of itself rather than a
 * box. Each file is read once per process.
 */
export class EmojiImages {
  readonly #directory = dirname(require.resolve("@twemoji/svg/package.json"));
  readonly #images = new Map<string, string | null>();

  /** The data URI of an emoji grapheme, or null when Twemoji has no picture of it. */
  image(grapheme: string): string | null {
    let image = this.#images.get(grapheme);
    if (image === undefined) {
      image = this.#load(grapheme);
      this.#images.set(grapheme, image);
    }
    return image;
  }

  #load(grapheme: string): string | null {
    const codePoints = [...grapheme].map((character) => (character.codePointAt(0) ?? 0).toString(16));
    // Twemoji names files by code points, dropping the U+FE0F selector except inside ZWJ sequences.
    const names = [codePoints.join("-"), codePoints.filter((codePoint) => codePoint !== "fe0f").join("-")];
    for (const name of names) {
      const path = join(this.#directory, `${name}.svg`);
      if (existsSync(path)) {
        return `data:image/svg+xml;base64,${readFileSync(path).toString("base64")}`;
      }
    }
    return null;
  }
}

import { CARD_SIZES, type CardInput, type CardSize } from "./card-input.js";
import { type CardElement, cardLayout } from "./card-layout.js";
import { EmojiImages, emojiIn, withoutEmoji } from "./emoji.js";
import { FontLibrary } from "./fonts.js";

/** A drawn image and how its text was drawn. */
export interface RenderedCard {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** The font families the text needed (Inter first, then the fallbacks it took). */
  readonly families: readonly string[];
  /** Emoji drawn as Twemoji pictures. */
  readonly emoji: readonly string[];
  /**
   * Characters no font (and no emoji picture) covers; they are drawn as U+FFFD (a visible "?" in a
   * diamond), never as an empty box, and the caller logs them.
   */
  readonly missing: readonly string[];
}

const REPLACEMENT_CHARACTER = "\uFFFD";

/**
 * satori and resvg, loaded on the first drawing rather than at start-up (about 0.1 s of a server's start
 * otherwise, for a process that may never draw a card).
 */
async function drawingLibraries() {
  const [{ default: satori }, { Resvg }] = await Promise.all([import("satori"), import("@resvg/resvg-js")]);
  return { satori, Resvg };
}

/**
 * Draws a card: satori lays out the element tree into an SVG (text as paths), resvg rasterises it to a
 * PNG. Pure apart from reading the font and emoji files, which are read once per process.
 */
export class CardRenderer {
  readonly #fonts = new FontLibrary();
  readonly #emoji = new EmojiImages();

  async render(input: CardInput, size: CardSize): Promise<RenderedCard> {
    const { width, height } = CARD_SIZES[size];
    const prepared = this.#replaceMissing(cardLayout(input, size));
    const { satori, Resvg } = await drawingLibraries();
    const svg = await satori(prepared.element as Parameters<typeof satori>[0], {
      width,
      height,
      fonts: prepared.fonts,
      graphemeImages: prepared.graphemeImages,
    });
    const png = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: false } })
      .render()
      .asPng();
    return {
      png,
      width,
      height,
      families: prepared.families,
      emoji: Object.keys(prepared.graphemeImages),
      missing: prepared.missing,
    };
  }

  /**
   * Finds the fonts and emoji pictures the tree's text needs, and swaps each character nothing covers
   * for U+FFFD so that it shows as a replacement mark, not as blank space or a box.
   */
  #replaceMissing(element: CardElement) {
    const texts: string[] = [];
    collectText(element, texts);
    const all = texts.join("\n");
    const graphemeImages: Record<string, string> = {};
    const missing = new Set<string>();
    for (const emoji of emojiIn(all)) {
      const image = this.#emoji.image(emoji);
      if (image) graphemeImages[emoji] = image;
      else missing.add(emoji);
    }
    const plan = this.#fonts.plan(withoutEmoji(all));
    for (const codePoint of plan.missing) missing.add(String.fromCodePoint(codePoint));
    const replaced =
      missing.size === 0
        ? element
        : mapText(element, (value) => replaceAll(value, missing, REPLACEMENT_CHARACTER));
    return {
      element: replaced,
      fonts: plan.fonts,
      families: plan.families,
      graphemeImages,
      missing: [...missing],
    };
  }
}

function collectText(node: CardElement | string, into: string[]): void {
  if (typeof node === "string") {
    into.push(node);
    return;
  }
  const children = node.props.children;
  if (children === undefined) return;
  for (const child of Array.isArray(children) ? children : [children]) collectText(child, into);
}

function mapText(node: CardElement, transform: (value: string) => string): CardElement {
  const children = node.props.children;
  if (children === undefined) return node;
  const map = (child: CardElement | string) =>
    typeof child === "string" ? transform(child) : mapText(child, transform);
  return {
    type: node.type,
    props: {
      ...node.props,
      children: Array.isArray(children) ? children.map(map) : map(children as CardElement | string),
    },
  };
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

function replaceAll(value: string, missing: ReadonlySet<string>, replacement: string): string {
  let out = "";
  for (const { segment } of graphemes.segment(value)) {
    if (missing.has(segment)) {
      out += replacement;
      continue;
    }
    let kept = "";
    for (const character of segment) kept += missing.has(character) ? replacement : character;
    out += kept;
  }
  return out;
}

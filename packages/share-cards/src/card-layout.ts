import { CARD_SIZES, type CardInput, type CardSize, QUADRANTS } from "./card-input.js";
import { truncateAtWord } from "./punchline.js";

/** A node of satori's element tree (the shape React elements have), written without JSX. */
export interface CardElement {
  readonly type: string;
  readonly props: { readonly style?: Record<string, string | number>; readonly children?: CardChild };
}
type CardChild = CardElement | string | readonly (CardElement | string)[];

function box(style: Record<string, string | number>, ...children: (CardElement | string)[]): CardElement {
  return { type: "div", props: { style: { display: "flex", ...style }, children } };
}

function text(style: Record<string, string | number>, content: string): CardElement {
  return { type: "div", props: { style: { display: "flex", ...style }, children: content } };
}

const COLOURS = {
  background: "#0f0f14",
  panel: "#191922",
  line: "#2e2e3c",
  text: "#f2f2f5",
  muted: "#a0a0b0",
  accent: "#1ed760",
};

/**
 * The quadrant chart as boxes: mainstream on x (underground left, chart-topping right), critical
 * acclaim on y (acclaimed on top), a name in each quadrant, and a dot only when the verdict has scores.
 */
function chart(input: CardInput, side: number, scale: number): CardElement {
  const labelSize = Math.round(15 * scale);
  const axisSize = Math.round(14 * scale);
  const dot = Math.round(30 * scale);
  const corner = (position: Record<string, number>, name: string, align: "flex-start" | "flex-end") =>
    text(
      {
        position: "absolute",
        ...position,
        width: side / 2 - 24 * scale,
        justifyContent: align,
        textAlign: align === "flex-start" ? "left" : "right",
        color: COLOURS.muted,
        fontSize: labelSize,
        fontWeight: 700,
      },
      name,
    );
  const inset = 14 * scale;
  const children: CardElement[] = [
    box({
      position: "absolute",
      left: side / 2,
      top: 0,
      width: 2,
      height: side,
      backgroundColor: COLOURS.line,
    }),
    box({
      position: "absolute",
      top: side / 2,
      left: 0,
      height: 2,
      width: side,
      backgroundColor: COLOURS.line,
    }),
    corner({ left: inset, top: inset }, QUADRANTS.topLeft, "flex-start"),
    corner({ right: inset, top: inset }, QUADRANTS.topRight, "flex-end"),
    corner({ left: inset, bottom: inset }, QUADRANTS.bottomLeft, "flex-start"),
    corner({ right: inset, bottom: inset }, QUADRANTS.bottomRight, "flex-end"),
  ];
  const placeDot = (mainstream: number, criticalAcclaim: number, colour: string) => {
    const x = clamp01(mainstream) * side;
    const y = (1 - clamp01(criticalAcclaim)) * side;
    children.push(
      box({
        position: "absolute",
        left: Math.min(side - dot, Math.max(0, x - dot / 2)),
        top: Math.min(side - dot, Math.max(0, y - dot / 2)),
        width: dot,
        height: dot,
        borderRadius: "50%",
        backgroundColor: colour,
        border: `${Math.round(5 * scale)}px solid ${COLOURS.background}`,
      }),
    );
  };
  // A match's card: the other listener first, in white, so the owner's green dot stays on top.
  const other = input.other;
  if (other && other.mainstream !== null && other.criticalAcclaim !== null) {
    placeDot(other.mainstream, other.criticalAcclaim, COLOURS.text);
  }
  if (input.mainstream !== null && input.criticalAcclaim !== null) {
    placeDot(input.mainstream, input.criticalAcclaim, COLOURS.accent);
  } else {
    children.push(
      text(
        {
          position: "absolute",
          left: 0,
          top: side / 2 - 40 * scale,
          width: side,
          height: 80 * scale,
          alignItems: "center",
          justifyContent: "center",
          color: COLOURS.muted,
          fontSize: Math.round(20 * scale),
          backgroundColor: COLOURS.panel,
        },
        "Too little listening to place yet",
      ),
    );
  }
  const axis = (content: string) => text({ color: COLOURS.muted, fontSize: axisSize }, content);
  return box(
    { flexDirection: "column", alignItems: "center", width: side },
    box({ marginBottom: 8 * scale }, axis("critically acclaimed")),
    box(
      {
        position: "relative",
        width: side,
        height: side,
        backgroundColor: COLOURS.panel,
        border: `2px solid ${COLOURS.line}`,
        borderRadius: 16 * scale,
      },
      ...children,
    ),
    box(
      { width: side, justifyContent: "space-between", marginTop: 8 * scale },
      axis("underground"),
      axis("critically concerning"),
      axis("chart-topping"),
    ),
  );
}

function list(title: string, items: readonly string[], scale: number, width: number): CardElement {
  return box(
    { flexDirection: "column", width },
    text(
      { color: COLOURS.muted, fontSize: Math.round(16 * scale), letterSpacing: 2, marginBottom: 6 * scale },
      title.toUpperCase(),
    ),
    ...(items.length > 0 ? items : ["—"]).map((item, index) =>
      text(
        { color: COLOURS.text, fontSize: Math.round(24 * scale), lineHeight: 1.35 },
        `${index + 1}. ${truncateAtWord(item, 28)}`,
      ),
    ),
  );
}

function footer(input: CardInput, scale: number): CardElement {
  return box(
    { alignItems: "center", color: COLOURS.muted, fontSize: Math.round(20 * scale) },
    text({ color: COLOURS.accent, fontWeight: 700, marginRight: 12 * scale }, input.siteName),
    text({}, `${input.siteHost} · get your own verdict`),
  );
}

function labelSize(label: string, base: number): number {
  return label.length > 28 ? Math.round(base * 0.72) : label.length > 18 ? Math.round(base * 0.86) : base;
}

/** The element tree of one image. */
export function cardLayout(input: CardInput, size: CardSize): CardElement {
  const padding = size === "card" ? 48 : 80;
  // Satori sizes boxes like CSS's content-box: the padding comes on top of width and height.
  const base = {
    padding,
    width: CARD_SIZES[size].width - 2 * padding,
    height: CARD_SIZES[size].height - 2 * padding,
    backgroundColor: COLOURS.background,
    color: COLOURS.text,
    fontFamily: "Inter",
  };
  const width = size === "card" ? 640 : 920;
  const heading = text(
    { width, color: COLOURS.muted, fontSize: size === "card" ? 24 : 40, letterSpacing: 2 },
    input.heading.toUpperCase(),
  );
  const label = text(
    {
      width,
      fontSize: labelSize(input.label, size === "card" ? 64 : 104),
      fontWeight: 700,
      lineHeight: 1.05,
      marginTop: 12,
    },
    truncateAtWord(input.label, 60),
  );
  const punchline = text(
    { width, fontSize: size === "card" ? 26 : 44, lineHeight: 1.35, color: COLOURS.text },
    `“${input.punchline}”`,
  );
  if (size === "card") {
    return box(
      { ...base, justifyContent: "space-between" },
      box(
        { flexDirection: "column", width: 640, flexShrink: 0, justifyContent: "space-between" },
        box({ flexDirection: "column" }, heading, label, box({ marginTop: 20 }, punchline)),
        box(
          { flexDirection: "column" },
          box(
            {},
            list(input.listTitles?.genres ?? "Top genres", input.genres, 0.9, 320),
            list(input.listTitles?.artists ?? "Top artists", input.artists, 0.9, 320),
          ),
          box({ marginTop: 18 }, footer(input, 0.9)),
        ),
      ),
      box({ alignItems: "center", flexShrink: 0 }, chart(input, 400, 1)),
    );
  }
  return box(
    { ...base, flexDirection: "column", justifyContent: "space-between" },
    box({ flexDirection: "column" }, heading, label),
    box({ justifyContent: "center" }, chart(input, 760, 1.8)),
    punchline,
    box(
      {},
      list(input.listTitles?.genres ?? "Top genres", input.genres, 1.5, 460),
      list(input.listTitles?.artists ?? "Top artists", input.artists, 1.5, 460),
    ),
    footer(input, 1.5),
  );
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
}

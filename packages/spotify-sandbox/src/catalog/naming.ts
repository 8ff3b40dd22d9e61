import { NAMING_STYLES, SHARED_WORDS } from "./data/names.js";
import type { Random } from "./random.js";

/**
 * Plausible artist, album and track names, built from templates and word lists per musical style. No real
 * artist names: everything is assembled from generic words, so a metal band sounds like one without being one.
 *
 * Template syntax: `{slot}` is a random word from the style's vocabulary (falling back to the shared one),
 * `{slot|lower}` / `{slot|upper}` change its case, `{#2-9}` is an integer in that range.
 */

export type NamingStyle =
  | "indie"
  | "pop"
  | "metal"
  | "jazz"
  | "soul"
  | "hiphop"
  | "classical"
  | "cinematic"
  | "electronic"
  | "rock"
  | "latin"
  | "country";

export type Vocabulary = Readonly<Record<string, readonly string[]>>;

export interface StyleTemplates {
  readonly artist: readonly string[];
  readonly album: readonly string[];
  readonly track: readonly string[];
  readonly words: Vocabulary;
}

const SLOT = /\{([^{}|]+)(?:\|(lower|upper))?\}/g;
const NUMBER_RANGE = /^#(\d+)-(\d+)$/;

function fill(template: string, words: Vocabulary, random: Random): string {
  return template.replace(SLOT, (_match, slot: string, letterCase: string | undefined) => {
    const range = NUMBER_RANGE.exec(slot);
    const value = range
      ? String(random.integer(Number(range[1]), Number(range[2])))
      : random.pick(words[slot] ?? SHARED_WORDS[slot] ?? [slot]);
    if (letterCase === "lower") return value.toLowerCase();
    if (letterCase === "upper") return value.toUpperCase();
    return value;
  });
}

export function artistName(style: NamingStyle, random: Random): string {
  const templates = NAMING_STYLES[style];
  return fill(random.pick(templates.artist), templates.words, random);
}

export function albumName(style: NamingStyle, random: Random): string {
  const templates = NAMING_STYLES[style];
  return fill(random.pick(templates.album), templates.words, random);
}

export function trackName(style: NamingStyle, random: Random): string {
  const templates = NAMING_STYLES[style];
  return fill(random.pick(templates.track), templates.words, random);
}

/** A listener's display name: "Ada Whitaker". */
export function personName(random: Random): string {
  return `${random.pick(SHARED_WORDS.first ?? [])} ${random.pick(SHARED_WORDS.last ?? [])}`;
}

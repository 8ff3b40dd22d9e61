import type { TasteProfile } from "../taste-profile.js";
import type { GenreFamily } from "./genre-families.js";
import type { Scores, TasteSignals } from "./scoring.js";

/** The numbers a trait can be read from, each 0..1 (null when unavailable). */
export interface TraitInputs {
  readonly artistLoyalty: number | null;
  readonly vintageShare: number | null;
  readonly mainstream: number;
  readonly explicitShare: number | null;
  readonly genreDiversity: number | null;
  readonly familyShare: number | null;
}

/** `input` ≥ `atLeast`, or `input` ≤ `atMost`. */
type Threshold = { readonly input: keyof TraitInputs } & (
  | { readonly atLeast: number; readonly atMost?: never }
  | { readonly atMost: number; readonly atLeast?: never }
);

interface TraitRule {
  readonly trait: string;
  readonly adjective: string;
  readonly noun: string;
  /** When the trait applies; how far past the threshold its input is gives the trait's strength. */
  readonly when: Threshold;
  /** A further condition that must hold, without weighing in the strength. */
  readonly also?: Threshold;
}

/** No genre family holds more than half of the listed genres. */
const noDominantFamily: Threshold = { input: "familyShare", atMost: 0.5 };

/**
 * The taste traits a label is built from, with their thresholds: the one place they are written. A trait
 * applies when its input is past its threshold; its `strength` is how far past, from 0 (at the threshold)
 * to 1 (as far as the input goes: 1 for `atLeast`, 0 for `atMost`), so traits of different kinds compare.
 * `mainstream` is the verdict's mainstream score, so in development mode, without popularity, the genre
 * families decide between underground and chart-chasing (and the neutral 0.5 applies neither). A trait
 * whose input is unavailable does not apply.
 */
export const TRAITS = [
  rule("devoted", "DEVOTED", "LIFER", { input: "artistLoyalty", atLeast: 0.75 }),
  rule("nostalgic", "NOSTALGIC", "ARCHIVIST", { input: "vintageShare", atLeast: 0.5 }),
  rule("underground", "UNDERGROUND", "CRATE-DIGGER", { input: "mainstream", atMost: 0.38 }),
  rule("chartChasing", "CHART-CHASING", "MAXIMALIST", { input: "mainstream", atLeast: 0.92 }),
  rule("unfiltered", "UNFILTERED", "PROVOCATEUR", { input: "explicitShare", atLeast: 0.5 }),
  rule("restless", "RESTLESS", "NOMAD", { input: "artistLoyalty", atMost: 0.2 }),
  rule("omnivorous", "OMNIVOROUS", "WANDERER", { input: "genreDiversity", atLeast: 0.45 }, noDominantFamily),
] as const;

function rule<const Name extends string>(
  trait: Name,
  adjective: string,
  noun: string,
  when: Threshold,
  also?: Threshold,
): TraitRule & { readonly trait: Name } {
  return also ? { trait, adjective, noun, when, also } : { trait, adjective, noun, when };
}

export type TraitName = (typeof TRAITS)[number]["trait"];

export interface Trait {
  readonly trait: TraitName;
  readonly strength: number;
}

export function traitInputsOf(profile: TasteProfile, signals: TasteSignals, scores: Scores): TraitInputs {
  return {
    artistLoyalty: profile.artistLoyalty,
    vintageShare: signals.vintageShare,
    mainstream: scores.mainstream,
    explicitShare: profile.explicitShare,
    genreDiversity: profile.genreDiversity,
    familyShare: signals.familyShare,
  };
}

/** The traits that apply, strongest first; ties go to the earlier row of TRAITS. */
export function traitsOf(inputs: TraitInputs): Trait[] {
  return TRAITS.flatMap((row, order) => {
    const strength = strengthPast(row.when, inputs);
    if (strength === null || (row.also && strengthPast(row.also, inputs) === null)) return [];
    return [{ trait: row.trait, strength, order }];
  })
    .sort((a, b) => b.strength - a.strength || a.order - b.order)
    .map(({ trait, strength }) => ({ trait, strength }));
}

/** How far past the threshold the input is, 0..1; null when it is not past it or unavailable. */
function strengthPast(threshold: Threshold, inputs: TraitInputs): number | null {
  const value = inputs[threshold.input];
  if (value === null) return null;
  if (threshold.atLeast !== undefined) {
    return value >= threshold.atLeast ? (value - threshold.atLeast) / complement(threshold.atLeast) : null;
  }
  return value <= threshold.atMost ? (threshold.atMost - value) / threshold.atMost : null;
}

/**
 * 1 − threshold as the decimal it reads as (0.3, not the binary 0.30000000000000004), so strengths come
 * out bit for bit as the rules judge has always computed them: the order of two traits at equal
 * strength depends on the last bit.
 */
function complement(threshold: number): number {
  return Math.round((1 - threshold) * 1e6) / 1e6;
}

export const BLANK_SLATE_LABEL = "BLANK SLATE LISTENER";

/**
 * Label = ADJECTIVE FAMILY NOUN (three words):
 * - FAMILY: the dominant genre family (see scoring's dominantFamily).
 * - ADJECTIVE: the strongest trait's adjective.
 * - NOUN: the second-strongest trait's noun, or the strongest trait's own noun when only one applies.
 * - No trait applies: WELL-ROUNDED FAMILY LISTENER.
 * Examples: "NOSTALGIC JAZZ ARCHIVIST", "CHART-CHASING POP MAXIMALIST", "UNFILTERED HIP-HOP MAXIMALIST".
 */
export function labelOf(family: GenreFamily, traits: readonly Trait[]): string {
  const [primary, secondary] = traits;
  const adjective = primary ? ruleOf(primary.trait).adjective : "WELL-ROUNDED";
  const noun = secondary ? ruleOf(secondary.trait).noun : primary ? ruleOf(primary.trait).noun : "LISTENER";
  return `${adjective} ${family} ${noun}`;
}

function ruleOf(trait: TraitName) {
  return TRAITS.find((row) => row.trait === trait) ?? TRAITS[0];
}

import type { TasteProfile } from "../taste-profile.js";
import type { Judge, JudgeContext, Verdict } from "../types.js";
import { blankSlateDescription, describe, displayNameOf, type Reading, variantSeedOf } from "./copy.js";
import { NEUTRAL_SCORE, scoresOf, signalsOf } from "./scoring.js";
import { BLANK_SLATE_LABEL, labelOf, traitInputsOf, traitsOf } from "./traits.js";

/**
 * The built-in judge: a deterministic verdict from the profile alone (same profile and display name,
 * same verdict), composed of three pure steps:
 * - scoring.ts: the scores and signals (dominant genre family, vintage share, popularity) of the profile;
 * - traits.ts: the traits that apply (one table of thresholds) and the label they make;
 * - copy.ts: the description, written from the traits, scores and signals.
 *
 * Not enough data (`profile.enoughData` false): BLANK SLATE LISTENER, an honest description, scores 0.5.
 */
export class RulesJudge implements Judge {
  async judge(profile: TasteProfile, context: JudgeContext): Promise<Verdict> {
    const name = displayNameOf(context.displayName);
    if (!profile.enoughData) {
      return {
        label: BLANK_SLATE_LABEL,
        description: blankSlateDescription(name),
        criticalAcclaim: NEUTRAL_SCORE,
        mainstream: NEUTRAL_SCORE,
        judge: "rules",
      };
    }
    const reading = readingOf(profile, name);
    return {
      label: reading.label,
      description: describe(reading),
      criticalAcclaim: reading.criticalAcclaim,
      mainstream: reading.mainstream,
      judge: "rules",
    };
  }
}

function readingOf(profile: TasteProfile, name: string | null): Reading {
  const signals = signalsOf(profile);
  const scores = scoresOf(profile);
  const traits = traitsOf(traitInputsOf(profile, signals, scores));
  return {
    profile,
    name,
    seed: variantSeedOf(profile),
    ...signals,
    ...scores,
    traits,
    label: labelOf(signals.family, traits),
  };
}

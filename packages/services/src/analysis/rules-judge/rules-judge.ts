import type { VerdictTone } from "@unwrapped/db";
import type { TasteProfile } from "../taste-profile.js";
import type { Judge, JudgeContext, Verdict } from "../types.js";
import { blankSlateDescription, describe, displayNameOf, type Reading, variantSeedOf } from "./copy.js";
import { scoresOf, signalsOf } from "./scoring.js";
import { BLANK_SLATE_LABEL, labelOf, traitInputsOf, traitsOf } from "./traits.js";

/**
 * The built-in judge: a deterministic verdict from the profile alone (same profile and display name,
 * same verdict), composed of three pure steps:
 * - scoring.ts: the scores and signals (dominant genre family, vintage share, popularity) of the profile;
 * - traits.ts: the traits that apply (one table of thresholds) and the label they make;
 * - copy.ts: the description, written from the traits, scores and signals.
 *
 * Not enough data (`profile.enoughData` false): BLANK SLATE LISTENER, an honest description, and no
 * scores (null): a point drawn at 50/50 would claim a taste nobody measured. The tone (default balanced)
 * changes the remarks, never the facts, the label or the scores.
 */
export class RulesJudge implements Judge {
  async judge(profile: TasteProfile, context: JudgeContext): Promise<Verdict> {
    const name = displayNameOf(context.displayName);
    if (!profile.enoughData) {
      return {
        label: BLANK_SLATE_LABEL,
        description: blankSlateDescription(name),
        criticalAcclaim: null,
        mainstream: null,
        judge: "rules",
      };
    }
    const reading = readingOf(profile, name, context.tone ?? "balanced");
    return {
      label: reading.label,
      description: describe(reading),
      criticalAcclaim: reading.criticalAcclaim,
      mainstream: reading.mainstream,
      judge: "rules",
    };
  }
}

function readingOf(profile: TasteProfile, name: string | null, tone: VerdictTone): Reading {
  const signals = signalsOf(profile);
  const scores = scoresOf(profile);
  const traits = traitsOf(traitInputsOf(profile, signals, scores));
  return {
    profile,
    name,
    seed: variantSeedOf(profile),
    tone,
    ...signals,
    ...scores,
    traits,
    label: labelOf(signals.family, traits),
  };
}

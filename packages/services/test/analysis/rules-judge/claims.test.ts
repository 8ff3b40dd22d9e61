import { NAMED_PERSONA_IDS } from "@unwrapped/spotify-sandbox";
import { describe, expect, it } from "vitest";
import { Profiler } from "../../../src/analysis/profiler.js";
import {
  decadeSpan,
  isMostlyOneFamily,
  peakDecade,
  popularityBand,
  spokenCount,
} from "../../../src/analysis/rules-judge/claims.js";
import { RulesJudge } from "../../../src/analysis/rules-judge/rules-judge.js";
import { largestFamily } from "../../../src/analysis/rules-judge/scoring.js";
import type { TasteProfile } from "../../../src/analysis/taste-profile.js";
import type { Verdict } from "../../../src/analysis/types.js";
import { TONES } from "../../../src/analysis/views.js";
import { sandboxListener } from "../../../src/testing/index.js";
import { ALL_LISTENERS } from "../../support/listening-fixtures.js";

const profiler = new Profiler();
const judge = new RulesJudge();

/** The named sandbox personas, the suite's fixtures and a few seed listeners, with their verdicts in every tone. */
async function judgedListeners() {
  const sandbox = [...NAMED_PERSONA_IDS, "seed:3", "seed:17", "seed:42"].map((id) => {
    const listener = sandboxListener(id);
    return { name: id, displayName: listener.displayName, profile: profiler.profile(listener.data) };
  });
  const fixtures = Object.entries(ALL_LISTENERS).map(([name, data]) => ({
    name,
    displayName: null,
    profile: profiler.profile(data),
  }));
  return Promise.all(
    [...sandbox, ...fixtures].map(async (listener) => ({
      ...listener,
      verdicts: Object.fromEntries(
        await Promise.all(
          TONES.map(async (tone) => [
            tone,
            await judge.judge(listener.profile, { displayName: listener.displayName, tone }),
          ]),
        ),
      ) as Record<(typeof TONES)[number], Verdict>,
    })),
  );
}

/** Every whole percentage the profile could truthfully be quoted with. */
function quotablePercents(profile: TasteProfile): Set<number> {
  const shares = [
    ...(profile.topGenres ?? []).map((entry) => entry.share),
    ...(profile.decades ?? []).map((entry) => entry.share),
    profile.artistLoyalty,
    profile.explicitShare,
    (profile.decades ?? [])
      .filter((entry) => entry.decade < 1990)
      .reduce((sum, entry) => sum + entry.share, 0),
  ];
  return new Set(shares.flatMap((share) => (share === null ? [] : [Math.round(share * 100)])));
}

describe("claims", () => {
  it("compute the facts the copy states", () => {
    const decades = [
      { decade: 1960, share: 0.2 },
      { decade: 1990, share: 0.4 },
      { decade: 2010, share: 0.4 },
    ];
    expect(peakDecade(decades)).toEqual({ decade: 1990, share: 0.4 });
    expect(peakDecade(null)).toBeNull();
    expect(decadeSpan(decades)).toEqual({ count: 3, oldest: 1960, newest: 2010 });
    expect(isMostlyOneFamily(0.5)).toBe(false);
    expect(isMostlyOneFamily(0.51)).toBe(true);
    expect(isMostlyOneFamily(null)).toBe(false);
    expect(popularityBand(75)).toBe("chart");
    expect(popularityBand(10)).toBe("underground");
    expect(spokenCount(1)).toBe("one");
    expect(spokenCount(7)).toBe("seven");
    expect(spokenCount(12)).toBe("a dozen or so");
    expect(spokenCount(88)).toBe("around 90");
    expect(spokenCount(150)).toBe("around 150");
  });
});

describe("the rules judge's statements of fact, per persona", async () => {
  const listeners = await judgedListeners();

  it.each(listeners.map((listener) => [listener.name, listener] as const))(
    "names the largest genre family in the label (%s)",
    (_name, { profile, verdicts }) => {
      if (!profile.enoughData) return expect(verdicts.balanced.label).toBe("BLANK SLATE LISTENER");
      const largest = profile.genreFamilies?.[0]?.family ?? "GENRE-FLUID";
      expect(largestFamily(profile).family).toBe(largest);
      expect(verdicts.balanced.label.split(" ")).toContain(largest);
      for (const family of profile.genreFamilies?.slice(1) ?? []) {
        expect(family.share).toBeLessThanOrEqual(profile.genreFamilies?.[0]?.share ?? 0);
      }
    },
  );

  it.each(listeners.map((listener) => [listener.name, listener] as const))(
    "says only true things in every tone (%s)",
    (_name, { profile, verdicts }) => {
      if (!profile.enoughData) return;
      const percents = quotablePercents(profile);
      const decades = new Set((profile.decades ?? []).map((entry) => entry.decade));
      for (const [tone, { description }] of Object.entries(verdicts)) {
        const context = `${tone}: ${description}`;
        // "most of it is jazz": only when the family holds more than half.
        if (/most of it is/i.test(description)) {
          expect(isMostlyOneFamily(largestFamily(profile).share), context).toBe(true);
        }
        // Every percentage quoted is one of the profile's shares.
        for (const match of description.matchAll(/(\d+)%/g)) {
          expect(percents.has(Number(match[1])), `${match[0]} in ${context}`).toBe(true);
        }
        // Every decade named is one the tracks come from; the busiest one is the peak.
        for (const match of description.matchAll(/\b(\d{4})s\b/g)) {
          expect(decades.has(Number(match[1])), `${match[0]} in ${context}`).toBe(true);
        }
        const peak = peakDecade(profile.decades);
        if (peak && /busiest decade|were released in|account for|win with/.test(description)) {
          expect(description, context).toContain(`${peak.decade}s`);
        }
        const span = /(\d+) decades/.exec(description);
        if (span) expect(Number(span[1]), context).toBe(decadeSpan(profile.decades)?.count);
        // No "90 top artists": counts above ten are said the way a person says them.
        expect(description, context).not.toMatch(/(?<!around )\b\d{2,} (top |favourite )?(artists|tracks)\b/);
        expect(description, context).not.toMatch(/streaming decade that raised you/);
      }
    },
  );

  it.each(listeners.map((listener) => [listener.name, listener] as const))(
    "changes the copy with the tone, never the facts (%s)",
    (_name, { profile, verdicts }) => {
      const facts = (verdict: Verdict) => ({
        label: verdict.label,
        criticalAcclaim: verdict.criticalAcclaim,
        mainstream: verdict.mainstream,
        numbers: [...verdict.description.matchAll(/\d+(?:\.\d+)?/g)].map((match) => match[0]).sort(),
      });
      expect(facts(verdicts.gentle)).toEqual(facts(verdicts.balanced));
      expect(facts(verdicts.savage)).toEqual(facts(verdicts.balanced));
      if (!profile.enoughData) return;
      expect(verdicts.gentle.description).not.toBe(verdicts.balanced.description);
      expect(verdicts.savage.description).not.toBe(verdicts.balanced.description);
      expect(verdicts.savage.description).not.toBe(verdicts.gentle.description);
    },
  );
});

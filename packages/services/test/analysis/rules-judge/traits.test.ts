import { describe, expect, it } from "vitest";
import { labelOf, TRAITS, type TraitInputs, traitsOf } from "../../../src/analysis/rules-judge/traits.js";

/** Inputs that apply no trait: everything in the middle. */
const neutral: TraitInputs = {
  artistLoyalty: 0.5,
  vintageShare: 0.2,
  mainstream: 0.5,
  explicitShare: 0.1,
  genreDiversity: 0.3,
  familyShare: 0.4,
};

describe("traits", () => {
  it("applies none to a listener in the middle of everything", () => {
    expect(traitsOf(neutral)).toEqual([]);
    expect(labelOf("ROCK", [])).toBe("WELL-ROUNDED ROCK LISTENER");
  });

  it("applies each trait from its threshold on, with strength 0 there and 1 at the end of the range", () => {
    for (const rule of TRAITS) {
      const { input, atLeast, atMost } = rule.when;
      const rising = atLeast !== undefined;
      const threshold = atLeast ?? atMost ?? Number.NaN;
      const inside = rising ? threshold + 0.001 : threshold - 0.001;
      const outside = rising ? threshold - 0.001 : threshold + 0.001;
      const end = rising ? 1 : 0;
      const at = (value: number) => traitsOf({ ...neutral, [input]: value });
      expect(at(threshold), rule.trait).toEqual([{ trait: rule.trait, strength: 0 }]);
      expect(at(inside)[0]?.trait, rule.trait).toBe(rule.trait);
      expect(at(outside), rule.trait).toEqual([]);
      expect(at(end)[0]?.trait, rule.trait).toBe(rule.trait);
      expect(at(end)[0]?.strength, rule.trait).toBeCloseTo(1, 12);
    }
  });

  it("does not apply a trait whose input is unavailable", () => {
    expect(traitsOf({ ...neutral, artistLoyalty: null, explicitShare: null, vintageShare: null })).toEqual(
      [],
    );
    expect(traitsOf({ ...neutral, genreDiversity: 0.95, familyShare: null })).toEqual([]);
  });

  it("calls a diverse listener omnivorous only when no family holds more than half", () => {
    expect(traitsOf({ ...neutral, genreDiversity: 0.95, familyShare: 0.5 })[0]?.trait).toBe("omnivorous");
    expect(traitsOf({ ...neutral, genreDiversity: 0.95, familyShare: 0.51 })).toEqual([]);
  });

  it("orders by strength, ties going to the earlier row, and builds the label from the first two", () => {
    const stronger = traitsOf({ ...neutral, artistLoyalty: 0.8, explicitShare: 0.9 });
    expect(stronger.map((trait) => trait.trait)).toEqual(["unfiltered", "devoted"]);
    // Both halfway: (0.875 − 0.75) / 0.25 = (0.75 − 0.5) / 0.5 = 0.5.
    const tied = traitsOf({ ...neutral, artistLoyalty: 0.875, explicitShare: 0.75 });
    expect(tied).toEqual([
      { trait: "devoted", strength: 0.5 },
      { trait: "unfiltered", strength: 0.5 },
    ]);
    expect(labelOf("METAL", tied)).toBe("DEVOTED METAL PROVOCATEUR");
    const one = traitsOf({ ...neutral, explicitShare: 0.9 });
    expect(labelOf("HIP-HOP", one)).toBe("UNFILTERED HIP-HOP PROVOCATEUR");
  });
});

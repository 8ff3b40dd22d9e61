import { describe, expect, it } from "vitest";
import { familyEntry, genreFamilyOf } from "../../../src/analysis/rules-judge/genre-families.js";

describe("genre families", () => {
  it("match the first family a genre mentions", () => {
    expect(genreFamilyOf("indie pop")).toBe("INDIE");
    expect(genreFamilyOf("pop rap")).toBe("HIP-HOP");
    expect(genreFamilyOf("nwobhm")).toBe("METAL");
    expect(genreFamilyOf("hard bop")).toBe("JAZZ");
    expect(genreFamilyOf("k-pop")).toBe("POP");
    expect(genreFamilyOf("latin hip hop")).toBe("LATIN");
    expect(genreFamilyOf("trap latino")).toBe("LATIN");
    expect(genreFamilyOf("latin jazz")).toBe("JAZZ");
    expect(genreFamilyOf("drone")).toBe("ELECTRONIC");
    expect(genreFamilyOf("orchestral soundtrack")).toBe("CLASSICAL");
    expect(genreFamilyOf("small room")).toBe("ECLECTIC");
  });

  it("give families without a row of their own the unmatched prior", () => {
    expect(familyEntry("POP")).toMatchObject({ mainstream: 0.85, noun: "pop" });
    expect(familyEntry("GENRE-FLUID")).toMatchObject({ mainstream: 0.4, noun: "genre-defying" });
  });
});

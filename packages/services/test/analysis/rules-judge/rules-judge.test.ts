import { describe, expect, it } from "vitest";
import { Profiler } from "../../../src/analysis/profiler.js";
import { RulesJudge } from "../../../src/analysis/rules-judge/rules-judge.js";
import { scoresOf } from "../../../src/analysis/rules-judge/scoring.js";
import type { TasteProfile } from "../../../src/analysis/taste-profile.js";
import type { ListeningData, Verdict } from "../../../src/analysis/types.js";
import { countWords } from "../../../src/analysis/word-limits.js";
import {
  ALL_LISTENERS,
  artist,
  chartPop,
  developmentMode,
  emptyAccount,
  hipHop,
  jazzNostalgic,
  listening,
  playsOf,
  TASTES,
  track,
  withoutPopularity,
} from "../../support/listening-fixtures.js";

const profiler = new Profiler();
const judge = new RulesJudge();

function verdictFor(data: ListeningData, displayName: string | null = null): Promise<Verdict> {
  return judge.judge(profiler.profile(data), { displayName });
}

/** Listeners with almost everything missing: no genres, no popularity, no long term, no dates. */
function sparseListeners() {
  const bare = [
    artist("s1", "Quiet One", null, null),
    artist("s2", "Quiet Two", null, null),
    artist("s3", "Quiet Three", null, null),
  ];
  const bareTracks = bare.map((credit, index) => track(`st${index}`, `Hush ${index}`, [credit]));
  const stripGenres = (data: ListeningData): ListeningData => {
    const strip = (list: ListeningData["topArtists"]["short_term"]) =>
      list?.map((entry) => ({ ...entry, genres: null })) ?? null;
    return {
      ...data,
      topArtists: {
        short_term: strip(data.topArtists.short_term),
        medium_term: strip(data.topArtists.medium_term),
        long_term: strip(data.topArtists.long_term),
      },
    };
  };
  return {
    bareArtistsOnly: listening({ topArtists: { short_term: bare, long_term: null } }),
    noGenresNoPopularity: stripGenres(withoutPopularity(jazzNostalgic)),
    onlyRecentPlays: listening({
      topArtists: { short_term: null, medium_term: null, long_term: null },
      topTracks: { short_term: null, medium_term: null, long_term: null },
      recentlyPlayed: playsOf([...bareTracks, ...bareTracks]),
    }),
    oneArtistWithVeryLongNames: listening({
      topArtists: {
        short_term: [
          artist("long", Array.from({ length: 40 }, () => "Word").join(" "), ["experimental"], 5),
          artist("l2", "Second", ["experimental"], 5),
          artist("l3", "Third", ["noise"], 5),
        ],
      },
    }),
  };
}

const LABEL_PATTERN = /^[A-Z&'-]+( [A-Z&'-]+){1,3}$/;

describe("RulesJudge", () => {
  it("labels the five tastes from the documented mapping, each differently", async () => {
    const labels = Object.fromEntries(
      await Promise.all(
        Object.entries(TASTES).map(async ([name, data]) => [name, (await verdictFor(data)).label]),
      ),
    );
    expect(labels).toEqual({
      obscureIndie: "UNDERGROUND INDIE CRATE-DIGGER",
      chartPop: "CHART-CHASING POP MAXIMALIST",
      loyalMetalhead: "DEVOTED METAL ARCHIVIST",
      jazzNostalgic: "NOSTALGIC JAZZ ARCHIVIST",
      hipHop: "CHART-CHASING HIP-HOP PROVOCATEUR",
    });
    expect(new Set(Object.values(labels)).size).toBe(5);
  });

  it("is deterministic: the same profile gets the identical verdict", async () => {
    for (const data of Object.values(ALL_LISTENERS)) {
      const profile = profiler.profile(data);
      const first = await judge.judge(profile, { displayName: "Robin" });
      const second = await new RulesJudge().judge(structuredClone(profile), { displayName: "Robin" });
      expect(second).toEqual(first);
    }
  });

  it("writes 120–400 words and a 2–4 word upper-case label for every listener", async () => {
    const listeners = { ...ALL_LISTENERS, ...sparseListeners(), emptyAccount };
    for (const [name, data] of Object.entries(listeners)) {
      for (const displayName of [null, "Alexandria Ocasio Quintessence Montgomery"]) {
        const verdict = await verdictFor(data, displayName);
        const words = countWords(verdict.description);
        expect(words, `${name}: ${words} words`).toBeGreaterThanOrEqual(120);
        expect(words, `${name}: ${words} words`).toBeLessThanOrEqual(400);
        expect(verdict.label, name).toMatch(LABEL_PATTERN);
        expect(verdict.judge).toBe("rules");
        expect(verdict.description, name).not.toMatch(/undefined|null|NaN|\[object/);
      }
    }
  });

  it("keeps both scores in [0, 1] with at most three decimals", async () => {
    for (const data of Object.values({ ...ALL_LISTENERS, ...sparseListeners() })) {
      const { criticalAcclaim, mainstream } = await verdictFor(data);
      for (const score of [criticalAcclaim, mainstream]) {
        if (score === null) throw new Error("the rules judge scores every listener for now");
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(Math.round(score * 1000) / 1000).toBe(score);
      }
    }
  });

  it("scores with the documented formulas (scoring.ts)", async () => {
    const profile = profiler.profile(jazzNostalgic);
    const verdict = await judge.judge(profile, { displayName: null });
    expect({ criticalAcclaim: verdict.criticalAcclaim, mainstream: verdict.mainstream }).toEqual(
      scoresOf(profile),
    );
    // σ((57.0439 − 45) / 10)
    expect(verdict.mainstream).toBe(0.769);
  });

  it("derives mainstream from genre families when Spotify withholds popularity", async () => {
    const verdict = await verdictFor(developmentMode);
    // Every genre of the pop listener belongs to the POP family, whose prior is 0.85: σ((85 − 45) / 10).
    expect(verdict.mainstream).toBe(0.982);
    expect(verdict.label).toBe("CHART-CHASING POP MAXIMALIST");
    expect(verdict.description).toContain("Spotify keeps popularity numbers to itself");
    expect(verdict.description).toContain("Taylor Swift");
  });

  it("falls back to neutral scores when their inputs are missing", async () => {
    const verdict = await verdictFor(sparseListeners().bareArtistsOnly);
    expect(verdict.mainstream).toBe(0.5);
    // diversity, decade spread and loyalty are neutral 0.5, and 1 − mainstream is 0.5.
    expect(verdict.criticalAcclaim).toBe(0.5);
    expect(verdict.label).toBe("WELL-ROUNDED GENRE-FLUID LISTENER");
  });

  it("names the listener's top artist, top genre and its share", async () => {
    for (const [name, data] of Object.entries(ALL_LISTENERS)) {
      const profile = profiler.profile(data);
      const { description } = await judge.judge(profile, { displayName: null });
      const topGenre = profile.topGenres?.[0];
      expect(description, name).toContain(profile.topArtists[0]?.name ?? "missing top artist");
      if (topGenre) {
        expect(description.toLowerCase(), name).toContain(topGenre.genre.toLowerCase());
        expect(description, name).toContain(`${Math.round(topGenre.share * 100)}%`);
      }
    }
  });

  it("reads differently for different tastes", async () => {
    const sentencesOf = (text: string) =>
      new Set(text.split(/(?<=[.!?:;])\s+/).map((sentence) => sentence.trim()));
    const descriptions = await Promise.all(
      Object.values(TASTES).map(async (data) => (await verdictFor(data)).description),
    );
    for (const [index, description] of descriptions.entries()) {
      for (const other of descriptions.slice(index + 1)) {
        const mine = sentencesOf(description);
        const shared = [...sentencesOf(other)].filter((sentence) => mine.has(sentence)).length;
        expect(shared / mine.size).toBeLessThan(0.34);
      }
    }
  });

  it("addresses the listener by display name and by nothing else personal", async () => {
    const withName = await verdictFor(hipHop, "  Sam  ");
    expect(withName.description).toContain("Sam");
    const withoutName = await verdictFor(hipHop, null);
    expect(withoutName.description).not.toMatch(/\bSam\b/);
    expect(withName.label).toBe(withoutName.label);
    expect(withName.description).not.toContain("rap-artist-0");
    expect(withName.description).not.toContain("https://");
  });

  it("mentions missing sources when some of Spotify's answers never arrived", async () => {
    const partial: ListeningData = { ...chartPop, recentlyPlayed: null, missingSources: ["recentlyPlayed"] };
    const { description } = await verdictFor(partial);
    expect(description).toContain("1 of 7 sources");
  });

  it("gives an honest not-enough-data verdict to a brand-new account", async () => {
    const verdict = await verdictFor(emptyAccount, "Newcomer");
    expect(verdict).toMatchObject({
      label: "BLANK SLATE LISTENER",
      criticalAcclaim: null,
      mainstream: null,
      judge: "rules",
    });
    expect(countWords(verdict.description)).toBeGreaterThanOrEqual(120);
    expect(verdict.description).toContain("Newcomer");
    expect(verdict.description).toMatch(/not enough/i);
    expect(verdict.description).toMatch(/come back/i);
  });

  it("also handles a profile that claims enough data but lists nothing", async () => {
    const hollow: TasteProfile = { ...profiler.profile(emptyAccount), enoughData: true };
    const verdict = await judge.judge(hollow, { displayName: null });
    expect(countWords(verdict.description)).toBeGreaterThanOrEqual(120);
    expect(verdict.label).toMatch(LABEL_PATTERN);
  });
});

import type { PublicMatch, SharedVerdict } from "@unwrapped/services";
import { describe, expect, it } from "vitest";
import { cardInput, contentKey, matchCardInput } from "../src/card-input.js";
import { cardLayout } from "../src/card-layout.js";

function verdict(displayName: string, label: string, mainstream: number): SharedVerdict {
  return {
    displayName,
    label,
    description: "A verdict. It has a line worth quoting on a card.",
    criticalAcclaim: 0.6,
    mainstream,
    tone: "balanced",
    analyzedAt: new Date("2026-11-20T10:00:00Z"),
    profile: {
      version: 1,
      counts: { artists: 1, tracks: 0, recentPlays: 0, recentArtists: 0 },
      topArtists: [{ name: "Sunn Zero", genres: ["drone"], imageUrl: null }],
      topTracks: [],
      topGenres: [{ genre: "drone", share: 1 }],
      decades: null,
      obscurity: 0.4,
      artistLoyalty: 0.5,
      genreDiversity: 0.1,
      unavailableMetrics: [],
    },
  } as unknown as SharedVerdict;
}

const MATCH = {
  compatibility: 0.416,
  label: "CURIOUS NEIGHBOURS",
  description: "You overlap in a few quiet corners. That is a lovely place to start swapping songs.",
  sharedArtists: ["Sunn Zero", "Earth", "Boris", "Nadja"],
  sharedGenres: ["drone"],
  biggestDifference: { dimension: "mainstream", you: 0.2, them: 0.7 },
  tone: "gentle",
  judge: "rules",
  you: verdict("Max", "DRONE MONK", 0.2),
  them: verdict("Wren", "CHART CHASER", 0.7),
  createdAt: new Date("2026-11-21T10:00:00Z"),
} as unknown as PublicMatch;

describe("a match's card input", () => {
  it("shows the pair, the compatibility, the shared genres and artists and both listeners' scores", () => {
    const input = matchCardInput(MATCH, "https://unwrapped.example");
    expect(input).toMatchObject({
      heading: "Max × Wren · 42 % compatible",
      label: "CURIOUS NEIGHBOURS",
      genres: ["drone"],
      artists: ["Sunn Zero", "Earth", "Boris"],
      mainstream: 0.2,
      other: { mainstream: 0.7, criticalAcclaim: 0.6 },
      listTitles: { genres: "Shared genres", artists: "Shared artists" },
      siteHost: "unwrapped.example",
    });
    const drawn = JSON.stringify(cardLayout(input, "card"));
    expect(drawn).toContain("SHARED GENRES");
    expect(drawn).toContain("SHARED ARTISTS");
    expect(drawn.match(/borderRadius":"50%"/g)).toHaveLength(2); // two dots on the chart
  });

  it("leaves a verdict's input, and so its cache key, as it was", () => {
    const input = cardInput(MATCH.you, "https://unwrapped.example");
    expect(Object.keys(input)).not.toContain("listTitles");
    expect(Object.keys(input)).not.toContain("other");
    const drawn = JSON.stringify(cardLayout(input, "card"));
    expect(drawn).toContain("TOP GENRES");
    expect(drawn.match(/borderRadius":"50%"/g)).toHaveLength(1);
    expect(contentKey(input, "card")).not.toBe(contentKey(input, "story"));
  });
});

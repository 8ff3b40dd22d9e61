import type { AnalysisResult, AnalysisStatus } from "../src/api";

/** A completed verdict as analysis.result returns it (the wire shape, Dates included). */
export function verdictFixture(overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  return {
    analysisId: "4f0c1d9e-7a6b-4c3d-8e2f-1a2b3c4d5e6f",
    label: "Devoted Metal Crate-Digger",
    description: "Black Throne leads your pit, and everyone else is just trying to keep up.",
    criticalAcclaim: 0.83,
    mainstream: 0.36,
    judge: "rules",
    tone: "savage",
    shareToken: "tok123",
    shareUrl: "http://127.0.0.1:8000/s/tok123",
    analyzedAt: new Date("2026-12-01T10:00:00Z"),
    standings: null,
    profile: {
      version: 1,
      counts: { artists: 51, tracks: 52, recentPlays: 50, recentArtists: 20 },
      topArtists: [
        {
          id: "a1",
          name: "Black Throne",
          genres: ["death metal"],
          popularity: 40,
          imageUrl: "https://i.scdn.co/image/a1",
        },
        { id: "a2", name: "Drabalgath", genres: ["melodic death metal"], popularity: 30, imageUrl: null },
      ],
      topTracks: [{ id: "t1", name: "Burn in Storm Ruins", artists: ["Drabalgath"], releaseYear: 2012 }],
      topGenres: [
        { genre: "death metal", share: 0.32 },
        { genre: "thrash metal", share: 0.14 },
      ],
      genreFamilies: [
        { family: "METAL", share: 0.86 },
        { family: "ROCK", share: 0.14 },
      ],
      averagePopularity: 36,
      weightedPopularity: 38,
      obscurity: 0.64,
      artistLoyalty: 0.98,
      genreDiversity: 0.88,
      decades: [
        { decade: 1990, share: 0.25 },
        { decade: 2010, share: 0.75 },
      ],
      explicitShare: 0.1,
      missingSources: [],
      unavailableMetrics: [],
      enoughData: true,
    },
    ...overrides,
  };
}

export function statusFixture(overrides: Partial<AnalysisStatus> = {}): AnalysisStatus {
  return {
    analysisId: "4f0c1d9e-7a6b-4c3d-8e2f-1a2b3c4d5e6f",
    status: "processing",
    stage: "collecting",
    progress: 0.4,
    attempts: 1,
    error: null,
    createdAt: new Date("2026-12-01T10:00:00Z"),
    startedAt: new Date("2026-12-01T10:00:01Z"),
    completedAt: null,
    hint: null,
    draft: null,
    ...overrides,
  };
}

import type { VerdictTone } from "@unwrapped/db";
import { peakDecade } from "./rules-judge/claims.js";
import type { TasteProfile } from "./taste-profile.js";
import type { JudgeContext } from "./types.js";
import { DESCRIPTION_WORDS, LABEL_WORDS } from "./word-limits.js";

/**
 * The LLM judge's prompt, all of it: the instructions, the voice of each tone and the facts of the
 * profile. Bump PROMPT_VERSION with every change to what the model is asked; each analysis an LLM
 * judged stores the version that wrote it (analyses.prompt_version), so verdicts can be compared by
 * prompt.
 */
export const PROMPT_VERSION = "2026-12-02.1";

export type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

/** How each tone sounds, in the model's instructions. */
export const TONE_INSTRUCTIONS: Readonly<Record<VerdictTone, string>> = {
  gentle:
    "Tone: gentle. Warm, affectionate and encouraging; tease lightly if at all, and leave them smiling.",
  balanced: "Tone: balanced. Witty, a little roasting but kind.",
  savage:
    "Tone: savage. A merciless roast: sharp, funny, unimpressed, never cruel about anything but their music.",
};

function systemPrompt(tone: VerdictTone): string {
  return [
    "You are the judge of unwrapped, a service that tells people what their music taste says about them.",
    "You receive facts about one listener's Spotify listening and write their verdict, specific to their",
    "actual artists, genres and numbers. Use only the facts given; when a metric is listed as unavailable,",
    "do not guess it. Never state a fact that the facts do not support.",
    TONE_INSTRUCTIONS[tone],
    "",
    "Reply with ONLY a JSON object, no other text and no code fence, with exactly these keys, in this order:",
    `- "label": ${LABEL_WORDS.min} to ${LABEL_WORDS.max} words in UPPER CASE naming their taste, e.g. "NOSTALGIC JAZZ ARCHIVIST";`,
    "  name their largest genre family (genreFamilies[0]) when you name a genre.",
    `- "description": ${DESCRIPTION_WORDS.min} to ${DESCRIPTION_WORDS.max} words of plain text in a few paragraphs`,
    '  (separated by blank lines), addressed to the listener as "you", naming their top artists and genres',
    '  and quoting some of the numbers (e.g. "62% of your rotation is indie rock").',
    '- "criticalAcclaim": a number from 0 to 1, where 1 is critically acclaimed taste and 0 is critically concerning.',
    '- "mainstream": a number from 0 to 1, where 1 is chart-topping and 0 is deep underground.',
    "Use the whole range of both scores.",
  ].join("\n");
}

/**
 * The conversation for one verdict. The facts are the profile's numbers and names only: no Spotify ids,
 * no image URLs, nothing from the listener's account except the display name.
 */
export function promptFor(profile: TasteProfile, context: JudgeContext): ChatMessage[] {
  const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  const peak = peakDecade(profile.decades);
  const facts = {
    displayName: context.displayName?.trim().replace(/\s+/g, " ").slice(0, 60) || null,
    counts: profile.counts,
    topArtists: profile.topArtists.map((artist) => ({
      name: artist.name,
      genres: artist.genres,
      popularity: artist.popularity,
    })),
    topTracks: profile.topTracks.map((track) => ({
      name: track.name,
      artists: track.artists,
      releaseYear: track.releaseYear,
    })),
    topGenres:
      profile.topGenres?.map((entry) => ({ genre: entry.genre, percent: percent(entry.share) })) ?? null,
    genreFamilies:
      profile.genreFamilies?.map((entry) => ({ family: entry.family, percent: percent(entry.share) })) ??
      null,
    averagePopularityOutOf100: profile.averagePopularity,
    weightedPopularityOutOf100: profile.weightedPopularity,
    obscurity0to1: profile.obscurity,
    artistLoyalty0to1: profile.artistLoyalty,
    genreFamilyDiversity0to1: profile.genreDiversity,
    releaseDecades:
      profile.decades?.map((entry) => ({ decade: `${entry.decade}s`, percent: percent(entry.share) })) ??
      null,
    busiestDecade: peak ? `${peak.decade}s` : null,
    explicitTracksPercent: percent(profile.explicitShare),
    unavailableMetrics: profile.unavailableMetrics,
    missingSources: profile.missingSources,
  };
  return [
    { role: "system", content: systemPrompt(context.tone ?? "balanced") },
    {
      role: "user",
      content: [
        "Judge this listener. Metrics are explained by their names; percent values are 0 to 100.",
        "Address them by their display name once if one is given.",
        "",
        JSON.stringify(facts, null, 2),
      ].join("\n"),
    },
  ];
}

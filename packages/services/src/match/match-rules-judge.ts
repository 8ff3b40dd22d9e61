import type { Tone } from "../analysis/views.js";
import type { WordLimits } from "../analysis/word-limits.js";
import type { BiggestDifference, Compatibility } from "./compatibility.js";

/** A joint verdict's description has 80–200 words; its label 2–4 upper-case words. */
export const MATCH_DESCRIPTION_WORDS: WordLimits = { min: 80, max: 200 };
export const MATCH_LABEL_WORDS: WordLimits = { min: 2, max: 4 };

/** What a match judge reads: the compatibility and the two public sides, never a private profile. */
export interface MatchFacts {
  readonly compatibility: Compatibility;
  readonly you: MatchFactsSide;
  readonly them: MatchFactsSide;
  readonly tone: Tone;
}

export interface MatchFactsSide {
  readonly displayName: string | null;
  /** The side's own verdict label. */
  readonly label: string;
  readonly topGenres: readonly string[];
}

export interface JointVerdict {
  readonly label: string;
  readonly description: string;
  readonly judge: "llm" | "rules";
}

export interface MatchJudge {
  judge(facts: MatchFacts, signal?: AbortSignal): Promise<JointVerdict>;
}

/** Compatibility bands, best first: the first whose floor the score reaches names the pair. */
const BANDS = [
  {
    floor: 0.8,
    labels: { gentle: "KINDRED EARS", balanced: "ONE SHARED AUX", savage: "SUSPICIOUSLY IDENTICAL TASTE" },
    opening: {
      gentle: "You two could share one pair of headphones for a year and never argue.",
      balanced: "These two libraries are practically the same library wearing different jackets.",
      savage: "Either you two met at the same festival queue or one of you copied the other's homework.",
    },
  },
  {
    floor: 0.55,
    labels: {
      gentle: "GOOD ROAD TRIP",
      balanced: "SAME CITY DIFFERENT BARS",
      savage: "COMPATIBLE WITH CONDITIONS",
    },
    opening: {
      gentle: "There is plenty of common ground here, and the differences only make the playlist better.",
      balanced: "You live in the same musical city, you just drink in different bars.",
      savage: "You agree on enough to share a car, and disagree on enough to fight about the aux.",
    },
  },
  {
    floor: 0.3,
    labels: {
      gentle: "CURIOUS NEIGHBOURS",
      balanced: "POLITE PLAYLIST TRUCE",
      savage: "AUX CORD NEGOTIATIONS",
    },
    opening: {
      gentle: "You overlap in a few quiet corners, which is a lovely place to start swapping songs.",
      balanced: "You overlap here and there, like neighbours who nod at each other's music through the wall.",
      savage:
        "This friendship survives on a few shared songs and a mutual agreement not to look too closely.",
    },
  },
  {
    floor: 0,
    labels: {
      gentle: "OPPOSITES ATTRACT",
      balanced: "DIFFERENT PLANETS ENTIRELY",
      savage: "AUX CORD CUSTODY BATTLE",
    },
    opening: {
      gentle: "You hear the world very differently, which means each of you has a whole library to discover.",
      balanced: "You two are listening from different planets, and the radio signal barely reaches.",
      savage:
        "Putting your two libraries on one shuffle would be a hostage situation for everyone in the room.",
    },
  },
] as const;

const CLOSERS: Record<Tone, string> = {
  gentle:
    "The best thing to do now is trade three songs each, listen without skipping, and tell each other what you heard. Taste grows best when it is shared.",
  balanced:
    "The fair next step is a swap: three songs each, no skipping, no commentary until the end. You might both come out of it with something new.",
  savage:
    "Settle it properly: three songs each, no skipping, and whoever rolls their eyes first loses the aux for a month. Someone here needs the education.",
};

const DIMENSION_NOUNS: Record<BiggestDifference["dimension"], string> = {
  underground: "how underground you go",
  acclaim: "how much critics would approve",
  mainstream: "how close to the charts you stay",
  loyalty: "how loyal you are to your favourites",
  diversity: "how widely you roam across genres",
  era: "the era your music comes from",
};

/**
 * The deterministic joint verdict: a label from the compatibility band and the tone, and a description
 * assembled from the facts (the score, what is shared, the biggest difference). Same facts, same words.
 */
export class MatchRulesJudge implements MatchJudge {
  async judge(facts: MatchFacts): Promise<JointVerdict> {
    return rulesJointVerdict(facts);
  }
}

export function rulesJointVerdict(facts: MatchFacts): JointVerdict {
  const { compatibility, tone } = facts;
  const band = BANDS.find((candidate) => compatibility.score >= candidate.floor) ?? BANDS[3];
  const percent = Math.round(compatibility.score * 100);
  const yourName = facts.you.displayName ?? "You";
  const theirName = facts.them.displayName ?? "your friend";
  const sentences = [
    `${yourName} and ${theirName} are ${percent} % compatible.`,
    band.opening[tone],
    `On one side stands ${article(facts.you.label)}, on the other ${article(facts.them.label)}.`,
    sharedArtistsSentence(compatibility.sharedArtists, tone),
    sharedGenresSentence(compatibility.sharedGenres, facts),
    differenceSentence(compatibility.biggestDifference, tone, facts.you.displayName, theirName),
    CLOSERS[tone],
  ];
  return { label: band.labels[tone], description: sentences.join(" "), judge: "rules" };
}

function article(label: string): string {
  const words = label.toLowerCase();
  return /^[aeiou]/.test(words) ? `an ${words}` : `a ${words}`;
}

function sharedArtistsSentence(artists: readonly string[], tone: Tone): string {
  if (artists.length === 0) {
    return tone === "savage"
      ? "Not one artist appears in both of your top lists, which takes a certain dedication to avoiding each other."
      : "Not one artist appears in both of your top lists, so every recommendation you make will be news to the other.";
  }
  const named = listOf(artists.slice(0, 3));
  const more = artists.length > 3 ? `, plus ${artists.length - 3} more,` : "";
  return tone === "gentle"
    ? `You both keep coming back to ${named}${more} and that is a real bond.`
    : `You both have ${named}${more} in heavy rotation, which is the foundation this whole friendship is built on.`;
}

function sharedGenresSentence(genres: readonly string[], facts: MatchFacts): string {
  if (genres.length > 0) {
    return `The genres you meet in are ${listOf(genres.slice(0, 3))}, the common room of your two libraries.`;
  }
  const yours = facts.you.topGenres[0];
  const theirs = facts.them.topGenres[0];
  if (yours && theirs) {
    return `Your genres never meet: one of you lives in ${yours}, the other in ${theirs}, and the two rarely share a stage.`;
  }
  return "Your genres never meet in the lists you shared, so there is no common room yet, only two separate houses.";
}

function differenceSentence(
  difference: BiggestDifference | null,
  tone: Tone,
  yourDisplayName: string | null,
  theirName: string,
): string {
  if (!difference) {
    return "There is too little listening on one side to say where you differ most, so the verdict stays with what is shared.";
  }
  const noun = DIMENSION_NOUNS[difference.dimension];
  const detail =
    difference.dimension === "era"
      ? `${yourDisplayName ? `${yourDisplayName}'s` : "your"} music averages ${Math.round(difference.you)}, ${theirName}'s ${Math.round(difference.them)}`
      : `${yourDisplayName ? `${yourDisplayName} sits` : "you sit"} at ${Math.round(difference.you * 100)} % and ${theirName} at ${Math.round(difference.them * 100)} %`;
  const close = Math.abs(difference.you - difference.them) < (difference.dimension === "era" ? 4 : 0.1);
  if (close) return `Even your biggest difference, ${noun}, is small: ${detail}.`;
  return tone === "savage"
    ? `Where you really split is ${noun}: ${detail}, and one of you is clearly wrong about it.`
    : `Where you differ most is ${noun}: ${detail}.`;
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

import { normalisedEntropy } from "./profiler.js";
import {
  type GenreShare,
  type Judge,
  type JudgeContext,
  SOURCES,
  type TasteProfile,
  type Verdict,
} from "./types.js";

/** A verdict's description has 120–400 words, counted as whitespace-separated tokens. */
export const DESCRIPTION_WORDS = { min: 120, max: 400 } as const;
/** A verdict's label has 2–4 upper-case words. */
export const LABEL_WORDS = { min: 2, max: 4 } as const;

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** The neutral score given when a verdict has nothing to go on. */
export const NEUTRAL_SCORE = 0.5;

/**
 * Genre families, matched in this order: a genre belongs to the first family one of whose keywords it
 * contains ("indie pop" is INDIE, not POP; "pop rap" is HIP-HOP). `mainstream` is the family's prior,
 * used for the mainstream score when Spotify withheld popularity (development mode).
 */
const GENRE_FAMILIES = [
  {
    family: "METAL",
    keywords: ["metal", "nwobhm", "thrash", "djent", "grindcore", "deathcore", "sludge", "doom"],
    mainstream: 0.35,
    noun: "metal",
  },
  {
    family: "HIP-HOP",
    keywords: ["hip hop", "hip-hop", "rap", "trap", "drill", "grime", "boom bap"],
    mainstream: 0.75,
    noun: "hip-hop",
  },
  {
    family: "JAZZ",
    keywords: ["jazz", "bop", "swing", "big band", "bossa nova"],
    mainstream: 0.25,
    noun: "jazz",
  },
  {
    family: "CLASSICAL",
    keywords: [
      "classical",
      "baroque",
      "orchestra",
      "opera",
      "symphon",
      "chamber music",
      "choral",
      "romantic era",
      "early music",
    ],
    mainstream: 0.2,
    noun: "classical",
  },
  {
    family: "ELECTRONIC",
    keywords: [
      "house",
      "techno",
      "edm",
      "electro",
      "trance",
      "drum and bass",
      "dubstep",
      "ambient",
      "idm",
      "synthwave",
    ],
    mainstream: 0.55,
    noun: "electronic",
  },
  {
    family: "INDIE",
    keywords: [
      "indie",
      "lo-fi",
      "shoegaze",
      "dream pop",
      "bedroom",
      "slowcore",
      "hypnagogic",
      "chillwave",
      "post-rock",
    ],
    mainstream: 0.3,
    noun: "indie",
  },
  {
    family: "SOUL",
    keywords: ["r&b", "soul", "funk", "motown", "disco", "gospel"],
    mainstream: 0.55,
    noun: "soul and R&B",
  },
  {
    family: "FOLK",
    keywords: ["folk", "country", "americana", "bluegrass", "singer-songwriter"],
    mainstream: 0.4,
    noun: "folk and country",
  },
  {
    family: "LATIN",
    keywords: ["latin", "reggaeton", "salsa", "bachata", "cumbia", "sertanejo", "corrido", "dembow"],
    mainstream: 0.75,
    noun: "Latin",
  },
  { family: "ROCK", keywords: ["rock", "punk", "grunge", "emo", "new wave"], mainstream: 0.5, noun: "rock" },
  { family: "POP", keywords: ["pop"], mainstream: 0.85, noun: "pop" },
] as const;

type MatchedFamily = (typeof GENRE_FAMILIES)[number]["family"];
/** ECLECTIC: genres that match no family; GENRE-FLUID: Spotify sent no genres at all. */
export type GenreFamily = MatchedFamily | "ECLECTIC" | "GENRE-FLUID";

const UNMATCHED_FAMILY = { family: "ECLECTIC", mainstream: 0.4, noun: "genre-defying" } as const;

export function genreFamilyOf(genre: string): MatchedFamily | "ECLECTIC" {
  const normalised = genre.toLowerCase();
  return (
    GENRE_FAMILIES.find((entry) => entry.keywords.some((keyword) => normalised.includes(keyword)))?.family ??
    "ECLECTIC"
  );
}

function familyEntry(family: GenreFamily) {
  return GENRE_FAMILIES.find((entry) => entry.family === family) ?? UNMATCHED_FAMILY;
}

/**
 * The taste traits a label is built from. `strength` is how far the profile is past the trait's
 * threshold, from 0 (just past) to 1 (as far as it goes), so traits of different kinds compare.
 *
 * | trait        | applies when                                  | strength                  | adjective     | noun         |
 * |--------------|-----------------------------------------------|---------------------------|---------------|--------------|
 * | devoted      | artistLoyalty ≥ 0.75                          | (loyalty − 0.75) / 0.25   | DEVOTED       | LIFER        |
 * | nostalgic    | share of tracks released before 1990 ≥ 0.5    | (share − 0.5) / 0.5       | NOSTALGIC     | ARCHIVIST    |
 * | underground  | mainstream ≤ 0.4                              | (0.4 − mainstream) / 0.4  | UNDERGROUND   | CRATE-DIGGER |
 * | chartChasing | mainstream ≥ 0.7                              | (mainstream − 0.7) / 0.3  | CHART-CHASING | MAXIMALIST   |
 * | unfiltered   | explicitShare ≥ 0.5                           | (explicit − 0.5) / 0.5    | UNFILTERED    | PROVOCATEUR  |
 * | restless     | artistLoyalty ≤ 0.2                           | (0.2 − loyalty) / 0.2     | RESTLESS      | NOMAD        |
 * | omnivorous   | genreDiversity ≥ 0.85 and no family > 50 %    | (diversity − 0.85) / 0.15 | OMNIVOROUS    | WANDERER     |
 *
 * `mainstream` is the verdict's mainstream score (below), so in development mode, without popularity, the
 * genre families decide between underground and chart-chasing. A trait whose metric is unavailable
 * does not apply.
 */
const TRAITS = [
  { trait: "devoted", adjective: "DEVOTED", noun: "LIFER" },
  { trait: "nostalgic", adjective: "NOSTALGIC", noun: "ARCHIVIST" },
  { trait: "underground", adjective: "UNDERGROUND", noun: "CRATE-DIGGER" },
  { trait: "chartChasing", adjective: "CHART-CHASING", noun: "MAXIMALIST" },
  { trait: "unfiltered", adjective: "UNFILTERED", noun: "PROVOCATEUR" },
  { trait: "restless", adjective: "RESTLESS", noun: "NOMAD" },
  { trait: "omnivorous", adjective: "OMNIVOROUS", noun: "WANDERER" },
] as const;

type TraitName = (typeof TRAITS)[number]["trait"];

interface Reading {
  readonly profile: TasteProfile;
  readonly name: string | null;
  readonly seed: string;
  readonly family: GenreFamily;
  readonly familyShare: number | null;
  readonly traits: readonly { readonly trait: TraitName; readonly strength: number }[];
  readonly label: string;
  readonly mainstream: number;
  readonly criticalAcclaim: number;
  /** Share of tracks released before 1990, null without decades. */
  readonly vintageShare: number | null;
  readonly popularity: number | null;
}

/**
 * The built-in judge: a deterministic verdict from the profile alone (same profile and display name,
 * same verdict). Variety between listeners comes from which sentences their traits select, and between
 * equal-trait listeners from an FNV-1a hash of their top artist ids and genres, never from randomness.
 *
 * Label = ADJECTIVE FAMILY NOUN (three words):
 * - FAMILY: the genre family (see GENRE_FAMILIES) with the largest summed share of `topGenres`; ties go to
 *   the earlier family; ECLECTIC when no genre matches a family, GENRE-FLUID when there are no genres.
 * - ADJECTIVE: the strongest applicable trait of the TRAITS table (ties go to the earlier row).
 * - NOUN: the second-strongest trait's noun, or the strongest trait's own noun when only one applies.
 * - No trait applies: WELL-ROUNDED FAMILY LISTENER.
 * Examples: "NOSTALGIC JAZZ ARCHIVIST", "CHART-CHASING POP MAXIMALIST", "UNFILTERED HIP-HOP MAXIMALIST".
 *
 * Scores, rounded to 3 decimals:
 * - mainstream = weightedPopularity / 100 (averagePopularity / 100 when only that exists); without any
 *   popularity, the share-weighted mean of the top genres' family priors (Σ share·prior / Σ share); with
 *   neither, the neutral 0.5.
 * - criticalAcclaim = 0.35·diversity + 0.30·(1 − mainstream) + 0.20·decadeSpread + 0.15·loyalty, where
 *   diversity = genreDiversity, decadeSpread = normalised entropy of the decade shares (0 for one
 *   decade), loyalty = artistLoyalty, each 0.5 when unavailable: critics reward range, curiosity beyond
 *   the charts, a sense of history and knowing what you love.
 *
 * Not enough data (`profile.enoughData` false): BLANK SLATE LISTENER, an honest description, scores 0.5.
 */
export class RulesJudge implements Judge {
  async judge(profile: TasteProfile, context: JudgeContext): Promise<Verdict> {
    const name = displayNameOf(context.displayName);
    if (!profile.enoughData) return blankSlateVerdict(name);
    const reading = read(profile, name);
    return {
      label: reading.label,
      description: describe(reading),
      criticalAcclaim: reading.criticalAcclaim,
      mainstream: reading.mainstream,
      judge: "rules",
    };
  }
}

function read(profile: TasteProfile, name: string | null): Reading {
  const { family, share: familyShare } = dominantFamily(profile.topGenres);
  const vintageShare =
    profile.decades === null
      ? null
      : profile.decades.filter((entry) => entry.decade < 1990).reduce((sum, entry) => sum + entry.share, 0);
  const popularity = profile.weightedPopularity ?? profile.averagePopularity;
  const mainstream = round3(
    popularity !== null ? clamp01(popularity / 100) : (genreMainstream(profile.topGenres) ?? NEUTRAL_SCORE),
  );
  const traits = traitsOf(profile, { vintageShare, familyShare, mainstream });
  const [primary, secondary] = traits;
  const adjective = primary ? traitRow(primary.trait).adjective : "WELL-ROUNDED";
  const noun = secondary
    ? traitRow(secondary.trait).noun
    : primary
      ? traitRow(primary.trait).noun
      : "LISTENER";
  const decadeSpread =
    profile.decades === null ? null : normalisedEntropy(profile.decades.map((d) => d.share));
  const criticalAcclaim = round3(
    clamp01(
      0.35 * (profile.genreDiversity ?? NEUTRAL_SCORE) +
        0.3 * (1 - mainstream) +
        0.2 * (decadeSpread ?? NEUTRAL_SCORE) +
        0.15 * (profile.artistLoyalty ?? NEUTRAL_SCORE),
    ),
  );
  const seed = [
    ...profile.topArtists.map((artist) => artist.id),
    ...(profile.topGenres ?? []).map((g) => g.genre),
  ].join("|");
  return {
    profile,
    name,
    seed,
    family,
    familyShare,
    traits,
    label: `${adjective} ${family} ${noun}`,
    mainstream,
    criticalAcclaim,
    vintageShare,
    popularity,
  };
}

function traitRow(trait: TraitName) {
  return TRAITS.find((row) => row.trait === trait) ?? TRAITS[0];
}

function traitsOf(
  profile: TasteProfile,
  derived: { vintageShare: number | null; familyShare: number | null; mainstream: number },
): { trait: TraitName; strength: number }[] {
  const { artistLoyalty: loyalty, explicitShare, genreDiversity } = profile;
  // Without popularity or genres the mainstream score is the neutral 0.5, which applies neither trait.
  const { vintageShare, familyShare, mainstream } = derived;
  const strengths: Record<TraitName, number | null> = {
    devoted: loyalty !== null && loyalty >= 0.75 ? (loyalty - 0.75) / 0.25 : null,
    nostalgic: vintageShare !== null && vintageShare >= 0.5 ? (vintageShare - 0.5) / 0.5 : null,
    underground: mainstream <= 0.4 ? (0.4 - mainstream) / 0.4 : null,
    chartChasing: mainstream >= 0.7 ? (mainstream - 0.7) / 0.3 : null,
    unfiltered: explicitShare !== null && explicitShare >= 0.5 ? (explicitShare - 0.5) / 0.5 : null,
    restless: loyalty !== null && loyalty <= 0.2 ? (0.2 - loyalty) / 0.2 : null,
    omnivorous:
      genreDiversity !== null && genreDiversity >= 0.85 && familyShare !== null && familyShare <= 0.5
        ? (genreDiversity - 0.85) / 0.15
        : null,
  };
  return TRAITS.flatMap((row, order) => {
    const strength = strengths[row.trait];
    return strength === null ? [] : [{ trait: row.trait, strength, order }];
  })
    .sort((a, b) => b.strength - a.strength || a.order - b.order)
    .map(({ trait, strength }) => ({ trait, strength }));
}

/** The family with the largest summed genre share, and that share over the listed genres' total. */
function dominantFamily(topGenres: readonly GenreShare[] | null): {
  family: GenreFamily;
  share: number | null;
} {
  if (topGenres === null || topGenres.length === 0) return { family: "GENRE-FLUID", share: null };
  const totals = new Map<GenreFamily, number>();
  for (const { genre, share } of topGenres) {
    const family = genreFamilyOf(genre);
    totals.set(family, (totals.get(family) ?? 0) + share);
  }
  const order: GenreFamily[] = [...GENRE_FAMILIES.map((entry) => entry.family), "ECLECTIC"];
  let best: GenreFamily = "ECLECTIC";
  let bestShare = -1;
  for (const family of order) {
    const share = totals.get(family) ?? 0;
    if (share > bestShare) {
      best = family;
      bestShare = share;
    }
  }
  const listed = topGenres.reduce((sum, entry) => sum + entry.share, 0);
  return { family: best, share: listed > 0 ? bestShare / listed : null };
}

/** Σ share·prior / Σ share over the top genres, null without genres. */
function genreMainstream(topGenres: readonly GenreShare[] | null): number | null {
  if (topGenres === null) return null;
  const total = topGenres.reduce((sum, entry) => sum + entry.share, 0);
  if (total <= 0) return null;
  return (
    topGenres.reduce(
      (sum, entry) => sum + entry.share * familyEntry(genreFamilyOf(entry.genre)).mainstream,
      0,
    ) / total
  );
}

// ---------------------------------------------------------------------------------------------------------
// The description: five paragraphs, each assembled from sentences the profile's traits select.
// ---------------------------------------------------------------------------------------------------------

/** A sentence crowning the listener's top artist. */
type Crown = (topArtist: string) => string;

interface Names {
  readonly top: string;
  readonly second: string | null;
  readonly third: string | null;
}

/** Per family: two ways to crown the top artist and two asides about the genre's people. */
const FAMILY_VOICE: Record<GenreFamily, { crowns: readonly Crown[]; asides: readonly string[] }> = {
  METAL: {
    crowns: [
      (top) => `${top} sits on your throne, and the throne is on fire.`,
      (top) => `${top} leads your pit, and everyone else is just trying to keep up.`,
    ],
    asides: [
      "Somewhere a guitar teacher is proud of you, and somewhere a neighbour is drafting a complaint.",
      "You treat volume knobs as suggestions and sleeve art as scripture.",
    ],
  },
  "HIP-HOP": {
    crowns: [
      (top) => `${top} runs your rotation like they own the label.`,
      (top) => `${top} gets more of your attention than most of your friends do, and they have noticed.`,
    ],
    asides: [
      "You know every ad-lib, including the ones that are just noises.",
      "Your listening history reads like a timeline of beefs, complete with footnotes.",
    ],
  },
  JAZZ: {
    crowns: [
      (top) => `${top} holds the first chair in your listening, and nobody else was ever getting it.`,
      (top) => `${top} heads your list, which suggests you own a turtleneck for emotional reasons.`,
    ],
    asides: [
      "You have opinions about brushwork on a snare drum and you are not afraid to share them.",
      "Somewhere, a record shop owner lights up every time you walk in.",
    ],
  },
  CLASSICAL: {
    crowns: [
      (top) => `${top} tops your list, making you one of the few people alive who can spell scherzo.`,
      (top) => `${top} leads your listening, and we suspect you have clapped between movements exactly once.`,
    ],
    asides: [
      "You know that a symphony is not a playlist, and you will explain why at parties.",
      "Your idea of a banger lasts forty minutes and has four movements.",
    ],
  },
  ELECTRONIC: {
    crowns: [
      (top) => `${top} leads your listening, ideally at 128 beats per minute and three in the morning.`,
      (top) => `${top} tops your list, which explains the strobe light we can sense from here.`,
    ],
    asides: [
      "Your idea of a chorus is a filter sweep, and honestly, fair.",
      "You have waited nine minutes for a drop and called it worth it.",
    ],
  },
  INDIE: {
    crowns: [
      (top) => `${top} tops your list, and you would like everyone to know you found them first.`,
      (top) => `${top} heads your rotation, probably printed on a tote bag somewhere in your home.`,
    ],
    asides: [
      "Your playlists have lowercase titles and a strict no-skips policy.",
      "You once described a song as sounding like a Tuesday and meant it as the highest praise.",
    ],
  },
  SOUL: {
    crowns: [
      (top) => `${top} leads your rotation, which means your kitchen has witnessed some serious falsetto.`,
      (top) => `${top} tops your list, and the groove has clearly never left the building.`,
    ],
    asides: [
      "You can hear a key change coming three bars early and you are always ready for it.",
      "Your shower acoustics have been tested against every run and riff on this list.",
    ],
  },
  FOLK: {
    crowns: [
      (top) => `${top} leads your list, and we can hear the acoustic guitar from here.`,
      (top) => `${top} tops your rotation, which pairs well with a long drive and a longer feeling.`,
    ],
    asides: [
      "You own at least one flannel shirt purely for listening purposes.",
      "You trust a song more when it mentions a river, a truck or a grandmother.",
    ],
  },
  LATIN: {
    crowns: [
      (top) => `${top} tops your list, and sitting still was never on your agenda.`,
      (top) => `${top} leads your rotation, which turns every kitchen into a dance floor.`,
    ],
    asides: [
      "Your playlists start parties, whether or not a party was planned.",
      "You consider a slow song a rumour rather than a genre.",
    ],
  },
  ROCK: {
    crowns: [
      (top) => `${top} tops your list, which makes you the keeper of the riff in your household.`,
      (top) => `${top} leads your rotation, and your air guitar has the calluses to prove it.`,
    ],
    asides: [
      "You believe a song without a guitar solo is a song that gave up early.",
      "You still think of albums as things with a side A and a side B.",
    ],
  },
  POP: {
    crowns: [
      (top) => `${top} tops your list, and honestly, the same is true for half the planet.`,
      (top) => `${top} leads your rotation, so you have strong opinions about bridges and eras.`,
    ],
    asides: [
      "You know every dance break and at least two fan theories about every lyric.",
      "Your listening history could double as the chart archive, and you would take that as a compliment.",
    ],
  },
  ECLECTIC: {
    crowns: [
      (top) => `${top} tops your list, a choice that resists every tidy category we tried.`,
      (top) => `${top} leads your rotation, and the algorithm is still working out what that means.`,
    ],
    asides: [
      "Your genres read like a record shop that gave up on alphabetising.",
      "Recommendation engines see your history and quietly ask for a day off.",
    ],
  },
  "GENRE-FLUID": {
    crowns: [
      (top) => `${top} tops your list, and Spotify would not even tell us what to call them.`,
      (top) => `${top} leads your rotation, a favourite that arrived without a genre tag.`,
    ],
    asides: [
      "Without a single genre label to go on, we judged you on artists and numbers alone, which suits a taste this hard to pin down.",
      "Spotify kept the genre labels to itself, so your taste gets to stay gloriously unclassified.",
    ],
  },
};

function describe(reading: Reading): string {
  const names = namesOf(reading.profile);
  const paragraphs = [
    { text: opening(reading, names), optional: false },
    { text: genreParagraph(reading), optional: false },
    { text: popularityParagraph(reading), optional: false },
    { text: timeParagraph(reading), optional: true },
    { text: closing(reading), optional: false },
  ];
  let kept = paragraphs.filter((paragraph) => paragraph.text.length > 0);
  while (
    countWords(kept.map((p) => p.text).join(" ")) > DESCRIPTION_WORDS.max &&
    kept.some((p) => p.optional)
  ) {
    const lastOptional = kept.findLastIndex((paragraph) => paragraph.optional);
    kept = kept.filter((_, index) => index !== lastOptional);
  }
  let text = kept.map((paragraph) => paragraph.text).join("\n\n");
  if (countWords(text) < DESCRIPTION_WORDS.min) text = `${text}\n\n${readingGuide(reading)}`;
  return text;
}

function opening(reading: Reading, names: Names): string {
  const { profile, name } = reading;
  const greeting = choose(reading, "greeting", [
    name
      ? `${name}, we have been through your listening history, and we have thoughts.`
      : "We have been through your listening history, and we have thoughts.",
    name
      ? `Right then, ${name}: your listening history is in, and it says a lot.`
      : "Right then: your listening history is in, and it says a lot.",
    name
      ? `Pull up a chair, ${name}, because your listening history has been read in full.`
      : "Pull up a chair, because your listening history has been read in full.",
    name
      ? `Good news, ${name}: your music taste has been examined, and it has a personality.`
      : "Good news: your music taste has been examined, and it has a personality.",
  ]);
  if (profile.topArtists.length === 0) {
    return `${greeting} Spotify did not share your top artists this time, so your heroes stay anonymous, but ${countsPhrase(profile)} still paint a picture.`;
  }
  const crown = choose(reading, "crown", FAMILY_VOICE[reading.family].crowns)(names.top);
  const court =
    names.second && names.third
      ? `${names.second} and ${names.third} complete the inner circle`
      : names.second
        ? `${names.second} is the loyal sidekick`
        : "nobody else comes close";
  return `${greeting} ${crown} Across ${countsPhrase(profile)}, ${court}.`;
}

/** "7 top artists, 8 top tracks and 6 recent plays", leaving out what is zero. */
function countsPhrase(profile: TasteProfile): string {
  const { artists, tracks, recentPlays } = profile.counts;
  const parts = [
    [artists, "top artist", "top artists"],
    [tracks, "top track", "top tracks"],
    [recentPlays, "recent play", "recent plays"],
  ] as const;
  const phrases = parts
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => `${count} ${count === 1 ? one : many}`);
  if (phrases.length === 0) return "what little Spotify shared";
  return phrases.length === 1
    ? phrases[0]!
    : `${phrases.slice(0, -1).join(", ")} and ${phrases[phrases.length - 1]}`;
}

function genreParagraph(reading: Reading): string {
  const { profile } = reading;
  const aside = choose(reading, "aside", FAMILY_VOICE[reading.family].asides);
  const [first, second, third] = profile.topGenres ?? [];
  if (!first) return aside;
  const runnersUp =
    second && third
      ? `, with ${second.genre} (${percent(second.share)}) and ${third.genre} (${percent(third.share)}) close behind`
      : second
        ? `, with ${second.genre} (${percent(second.share)}) as the side dish`
        : "";
  const sentences = [`${percent(first.share)} of your rotation is ${first.genre}${runnersUp}.`];
  const diversity = profile.genreDiversity;
  if (diversity !== null) {
    const score = diversity.toFixed(2);
    if (diversity >= 0.8) {
      sentences.push(
        reading.family === "ECLECTIC" || (reading.familyShare ?? 1) < 0.5
          ? `A genre diversity of ${score} out of 1 means you roam widely and refuse to be put in a box.`
          : `A genre diversity of ${score} out of 1 sounds adventurous until you notice most of it is ${familyEntry(reading.family).noun} wearing different hats.`,
      );
    } else if (diversity >= 0.45) {
      sentences.push(`A genre diversity of ${score} out of 1: curious, but you always find your way home.`);
    } else {
      sentences.push(`A genre diversity of ${score} out of 1 tells us you found your lane and parked in it.`);
    }
  }
  sentences.push(aside);
  return sentences.join(" ");
}

function popularityParagraph(reading: Reading): string {
  const { profile } = reading;
  const mainstreamPercent = Math.round(reading.mainstream * 100);
  if (reading.popularity === null) {
    const basis =
      profile.topGenres === null
        ? "so we held your mainstream score at a diplomatic middle"
        : `so your mainstream score of ${mainstreamPercent}/100 leans on what ${familyEntry(reading.family).noun} listeners usually play`;
    return `Spotify keeps popularity numbers to itself for apps like ours these days, ${basis}. Call it a verdict on vibes rather than charts, and frankly your vibes can take it.`;
  }
  const average = profile.averagePopularity === null ? null : Math.round(profile.averagePopularity);
  const weighted = profile.weightedPopularity === null ? null : Math.round(profile.weightedPopularity);
  const figures =
    average !== null && weighted !== null && weighted !== average
      ? `Your artists and tracks have an average popularity of ${average}/100, or ${weighted}/100 when your favourites count double.`
      : `Your artists and tracks have an average popularity of ${average ?? weighted}/100.`;
  const popularity = reading.popularity;
  const band =
    popularity >= 75
      ? choose(reading, "chart", [
          "That is chart territory: you do not discover music so much as arrive at it along with everybody else, right on time.",
          "In other words, your music taste has its own billboard and probably a fragrance line.",
        ])
      : popularity >= 55
        ? choose(reading, "familiar", [
            "Comfortably mainstream, with just enough deep cuts to win an argument at dinner.",
            "Familiar enough for a road trip, respectable enough to survive a record-shop clerk's raised eyebrow.",
          ])
        : popularity >= 35
          ? choose(reading, "between", [
              "That puts you halfway between the charts and the crates: popular enough to sing along, obscure enough to feel superior about it.",
              "You hover just under the radar, close enough to the charts to wave at them and far enough to pretend you did not.",
            ])
          : choose(reading, "underground", [
              "Most of your favourites have fewer monthly listeners than a mid-sized village, and you like it that way.",
              "Some of these artists could fit their entire fan base in your living room, and you would be the one bringing snacks.",
            ]);
  return `${figures} ${band}`;
}

function timeParagraph(reading: Reading): string {
  const { profile, vintageShare } = reading;
  const sentences: string[] = [];
  const decades = profile.decades;
  if (decades !== null && decades.length > 0) {
    const peak = [...decades].sort((a, b) => b.share - a.share || a.decade - b.decade)[0]!;
    sentences.push(`${percent(peak.share)} of your tracks were released in the ${peak.decade}s.`);
    if (vintageShare !== null && vintageShare >= 0.5) {
      sentences.push(
        choose(reading, "vintage", [
          "You treat the present as an optional extra: as far as you are concerned, the good stuff was pressed on vinyl long before anyone had a phone.",
          `You are ${percent(vintageShare)} vintage, and you would like a word with whoever invented the skip button.`,
        ]),
      );
    } else if (peak.decade >= 2020) {
      sentences.push("You live in the new-release tab and refresh it like it owes you money.");
    } else if (peak.decade >= 2010) {
      sentences.push("Your heart belongs to the streaming decade that raised you, and it shows.");
    } else {
      sentences.push(
        "You suspect music peaked somewhere around the turn of the millennium, and your playlists agree.",
      );
    }
    if (decades.length >= 4) {
      const oldest = decades[0]!.decade;
      const newest = decades[decades.length - 1]!.decade;
      sentences.push(
        `Still, your tracks span ${decades.length} decades, from the ${oldest}s to the ${newest}s, which makes you a time traveller with a library card.`,
      );
    }
  }
  const loyalty = profile.artistLoyalty;
  if (loyalty === null) {
    sentences.push(
      "We could not compare this month with your all-time favourites, so your loyalty stays a mystery.",
    );
  } else if (loyalty >= 0.75) {
    sentences.push(
      choose(reading, "loyal", [
        `${percent(loyalty)} of your all-time favourites are still in this month's top: you do not do breakups.`,
        `${percent(loyalty)} of your all-time favourites held their place this month, so your top list is basically a tenured faculty.`,
      ]),
    );
  } else if (loyalty >= 0.4) {
    sentences.push(
      choose(reading, "steady", [
        `${percent(loyalty)} of your all-time favourites made this month's top too, a healthy mix of old flames and new crushes.`,
        `${percent(loyalty)} of your all-time favourites are still around this month, proof that you can commit without getting stuck.`,
      ]),
    );
  } else {
    sentences.push(
      `Only ${percent(loyalty)} of your all-time favourites survived into this month's top, so your heart is a revolving door with excellent taste.`,
    );
  }
  const explicit = profile.explicitShare;
  if (explicit !== null && explicit >= 0.5) {
    sentences.push(
      `${percent(explicit)} of your tracks carry an explicit tag; your headphones have heard things.`,
    );
  } else if (explicit === 0) {
    sentences.push(
      reading.family === "METAL" || reading.family === "ROCK"
        ? "Remarkably, not one track carries an explicit tag, so all that noise is technically family-friendly."
        : "Not a single explicit track in sight, so your playlists are safe for grandparents.",
    );
  }
  return sentences.join(" ");
}

/** How the verdict signs off, by the strongest trait: the last word should sound like the listener. */
const SIGN_OFFS: Record<TraitName | "none", string> = {
  devoted: "Never change, not that there was any danger of it.",
  nostalgic: "Keep the needle on the record; the present will wait.",
  underground: "Keep digging, and do tell us about the next band before everyone else ruins them.",
  chartChasing: "Stay on top of the charts; somebody has to keep them honest.",
  unfiltered: "Keep it loud, keep it uncensored, and maybe check the volume before the meeting.",
  restless: "Keep moving; your next obsession is probably already on its way.",
  omnivorous: "Keep wandering; the map of music looks better with your footprints all over it.",
  none: "Keep pressing play; your taste is in good hands, namely yours.",
};

function closing(reading: Reading): string {
  const { profile, name } = reading;
  const acclaim = Math.round(reading.criticalAcclaim * 100);
  const mainstream = Math.round(reading.mainstream * 100);
  const scores = choose(reading, "closing", [
    `Verdict: ${reading.label}. Critics would rate your taste ${acclaim}/100, and the charts would call it ${mainstream}/100 mainstream.`,
    `So here it is: ${reading.label}, with critical acclaim at ${acclaim}/100 and mainstream at ${mainstream}/100.`,
    `The official finding: ${reading.label}. Critical acclaim ${acclaim}/100, mainstream ${mainstream}/100, and no appeals accepted.`,
  ]);
  const signOff = SIGN_OFFS[reading.traits[0]?.trait ?? "none"];
  const missing =
    profile.missingSources.length > 0
      ? ` A few of Spotify's answers never arrived (${profile.missingSources.length} of ${SOURCES.length} sources), so this verdict is built on the rest.`
      : "";
  return `${scores} ${name ? `${name}, ${lowerFirst(signOff)}` : signOff}${missing}`;
}

function lowerFirst(text: string): string {
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** Appended only when the rest is too short: what the two scores mean, in the same voice. */
function readingGuide(reading: Reading): string {
  return `How to read this: critical acclaim rewards range, curiosity and a sense of history, while the mainstream score simply measures how close your listening sits to the charts. Yours land at ${Math.round(reading.criticalAcclaim * 100)} and ${Math.round(reading.mainstream * 100)} out of 100. Keep listening and the picture only gets sharper, and funnier.`;
}

function blankSlateVerdict(name: string | null): Verdict {
  const opener = name ? `${name}, we went looking` : "We went looking";
  const description = [
    `${opener} for your listening history and found a beautifully empty room. There are not enough top artists, top tracks or recent plays on this account yet for an honest verdict, and we would rather say so than invent a personality for you.`,
    "Maybe the account is brand new, maybe you mostly listen somewhere else, or maybe Spotify simply has not worked out your favourites yet. Either way, there is nothing here to roast, and that is a first for us.",
    "Here is the plan: listen to what you love for a week or two, let Spotify notice your favourites, then come back and run the analysis again. We will have a label, a score and plenty of opinions waiting for you. Until then, your taste is officially unjudged, which is more than most people can say.",
  ].join("\n\n");
  return {
    label: "BLANK SLATE LISTENER",
    description,
    criticalAcclaim: NEUTRAL_SCORE,
    mainstream: NEUTRAL_SCORE,
    judge: "rules",
  };
}

/** The first three artist names, each cut to six words so a freak name cannot swamp the text. */
function namesOf(profile: TasteProfile): Names {
  const [top, second, third] = profile.topArtists.map((artist) => shorten(artist.name, 6));
  return { top: top ?? "your favourite artist", second: second ?? null, third: third ?? null };
}

/** The display name, whitespace collapsed and cut to three words; null when empty. */
function displayNameOf(displayName: string | null): string | null {
  const cleaned = displayName?.trim().replace(/\s+/g, " ") ?? "";
  return cleaned.length === 0 ? null : shorten(cleaned, 3);
}

function shorten(text: string, maxWords: number): string {
  const words = text.trim().split(/\s+/);
  return words.length <= maxWords ? words.join(" ") : `${words.slice(0, maxWords).join(" ")}…`;
}

/** A deterministic choice among variants, keyed by the profile's content and a per-slot salt. */
function choose<Option>(reading: Reading, salt: string, options: readonly Option[]): Option {
  return options[fnv1a(`${reading.seed}#${salt}`) % options.length]!;
}

/** 32-bit FNV-1a over the string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

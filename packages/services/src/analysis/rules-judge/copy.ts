import type { TasteProfile } from "../taste-profile.js";
import { SOURCES } from "../types.js";
import { countWords, DESCRIPTION_WORDS } from "../word-limits.js";
import { FAMILY_VOICE } from "./family-voice.js";
import { familyEntry, type GenreFamily } from "./genre-families.js";
import type { Trait, TraitName } from "./traits.js";

/**
 * The rules judge's words: a description of five paragraphs, each assembled from sentences that the
 * profile's traits, scores and signals select. Deterministic: variety between listeners comes from
 * which sentences their traits select, and between equal-trait listeners from an FNV-1a hash of their
 * top artist ids and genres (`seed`), never from randomness.
 */

/** Everything the copy is written from. */
export interface Reading {
  readonly profile: TasteProfile;
  /** The display name, cleaned (displayNameOf); null when unknown. */
  readonly name: string | null;
  /** Picks among variants of a sentence (variantSeedOf). */
  readonly seed: string;
  readonly family: GenreFamily;
  readonly familyShare: number | null;
  readonly traits: readonly Trait[];
  readonly label: string;
  readonly mainstream: number;
  readonly criticalAcclaim: number;
  /** Share of tracks released before 1990, null without decades. */
  readonly vintageShare: number | null;
  readonly popularity: number | null;
}

/** The listener's top artist ids and genres: what makes two listeners with the same traits read differently. */
export function variantSeedOf(profile: TasteProfile): string {
  return [
    ...profile.topArtists.map((artist) => artist.id),
    ...(profile.topGenres ?? []).map((g) => g.genre),
  ].join("|");
}

interface Names {
  readonly top: string;
  readonly second: string | null;
  readonly third: string | null;
}

export function describe(reading: Reading): string {
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
    if (vintageShare !== null && has(reading, "nostalgic")) {
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
  } else if (has(reading, "devoted")) {
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
  if (explicit !== null && has(reading, "unfiltered")) {
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

export function blankSlateDescription(name: string | null): string {
  const opener = name ? `${name}, we went looking` : "We went looking";
  const description = [
    `${opener} for your listening history and found a beautifully empty room. There are not enough top artists, top tracks or recent plays on this account yet for an honest verdict, and we would rather say so than invent a personality for you.`,
    "Maybe the account is brand new, maybe you mostly listen somewhere else, or maybe Spotify simply has not worked out your favourites yet. Either way, there is nothing here to roast, and that is a first for us.",
    "Here is the plan: listen to what you love for a week or two, let Spotify notice your favourites, then come back and run the analysis again. We will have a label, a score and plenty of opinions waiting for you. Until then, your taste is officially unjudged, which is more than most people can say.",
  ].join("\n\n");
  return description;
}

/** The first three artist names, each cut to six words so a freak name cannot swamp the text. */
function namesOf(profile: TasteProfile): Names {
  const [top, second, third] = profile.topArtists.map((artist) => shorten(artist.name, 6));
  return { top: top ?? "your favourite artist", second: second ?? null, third: third ?? null };
}

/** The display name, whitespace collapsed and cut to three words; null when empty. */
export function displayNameOf(displayName: string | null): string | null {
  const cleaned = displayName?.trim().replace(/\s+/g, " ") ?? "";
  return cleaned.length === 0 ? null : shorten(cleaned, 3);
}

function shorten(text: string, maxWords: number): string {
  const words = text.trim().split(/\s+/);
  return words.length <= maxWords ? words.join(" ") : `${words.slice(0, maxWords).join(" ")}…`;
}

/** Whether the trait applies (traits.ts holds the thresholds; the copy never repeats them). */
function has(reading: Reading, trait: TraitName): boolean {
  return reading.traits.some((applied) => applied.trait === trait);
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

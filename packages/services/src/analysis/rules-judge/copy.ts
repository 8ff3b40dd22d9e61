import type { VerdictTone } from "@unwrapped/db";
import type { TasteProfile } from "../taste-profile.js";
import { SOURCES } from "../types.js";
import { countWords, DESCRIPTION_WORDS } from "../word-limits.js";
import {
  decadeSpan,
  isMostlyOneFamily,
  loyaltyBand,
  peakDecade,
  percent,
  popularityBand,
  spokenCount,
} from "./claims.js";
import { FAMILY_VOICE } from "./family-voice.js";
import { familyEntry, type GenreFamily } from "./genre-families.js";
import { TONE_VOICE } from "./tone-voice.js";
import { TRAITS, type Trait, type TraitName } from "./traits.js";

/**
 * The rules judge's words. A description is one of several structures (the order and grouping of its
 * paragraphs), each paragraph assembled from sentences that the profile's traits, scores and signals
 * select, each sentence picked from a bank of phrasings. Deterministic: the picks come from an FNV-1a
 * hash of the listener's top artist ids and genres (`seed`) and a per-slot salt, never from randomness,
 * so the same profile always reads the same. Facts (numbers, names, the label) do not depend on the
 * tone; the tone picks the voice of the remarks around them (tone-voice.ts). Statements of fact come
 * from claims.ts.
 */

/** Everything the copy is written from. */
export interface Reading {
  readonly profile: TasteProfile;
  /** The display name, cleaned (displayNameOf); null when unknown. */
  readonly name: string | null;
  /** Picks among variants of a sentence (variantSeedOf). */
  readonly seed: string;
  readonly tone: VerdictTone;
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

interface Paragraph {
  readonly text: string;
  /** Dropped (last first) when the description runs over its word limit. */
  readonly optional: boolean;
}

type Section = "opening" | "genres" | "popularity" | "time" | "closing";

/** The structures a description takes: the order of the middle paragraphs, and which are merged. */
const STRUCTURES: readonly (readonly (Section | readonly Section[])[])[] = [
  ["opening", "genres", "popularity", "time", "closing"],
  ["opening", "time", "genres", "popularity", "closing"],
  [["opening", "genres"], "popularity", "time", "closing"],
  ["opening", "popularity", ["genres", "time"], "closing"],
  [["opening", "popularity"], "genres", "time", "closing"],
];

export function describe(reading: Reading): string {
  const names = namesOf(reading.profile);
  const sections: Record<Section, Paragraph> = {
    opening: { text: opening(reading, names), optional: false },
    genres: { text: genreParagraph(reading), optional: false },
    popularity: { text: popularityParagraph(reading), optional: false },
    time: { text: timeParagraph(reading), optional: true },
    closing: { text: closing(reading), optional: false },
  };
  const structure = choose(reading, "structure", STRUCTURES);
  let kept: Paragraph[] = structure
    .map((part): Paragraph => {
      const parts = (typeof part === "string" ? [part] : part).map((section) => sections[section]);
      return {
        text: parts
          .map((paragraph) => paragraph.text)
          .filter((text) => text.length > 0)
          .join(" "),
        optional: parts.every((paragraph) => paragraph.optional),
      };
    })
    .filter((paragraph) => paragraph.text.length > 0);
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
  const greeting = choose(reading, "greeting", TONE_VOICE[reading.tone].greetings)(name);
  if (profile.topArtists.length === 0) {
    return `${greeting} Spotify did not share your top artists this time, so your heroes stay anonymous, but ${countsPhrase(profile)} still paint a picture.`;
  }
  const crown = choose(reading, "crown", FAMILY_VOICE[reading.family].crowns)(names.top);
  const court =
    names.second && names.third
      ? choose(reading, "court", [
          `${names.second} and ${names.third} complete the inner circle.`,
          `${names.second} and ${names.third} follow close behind.`,
          `Right behind: ${names.second}, then ${names.third}.`,
          `${names.second} takes second place, ${names.third} third.`,
          `Next in line are ${names.second} and ${names.third}.`,
          `${names.second} and ${names.third} round out the podium.`,
          `The supporting cast: ${names.second} and ${names.third}.`,
          `${names.second} and ${names.third} are never far away.`,
          `After that, ${names.second} and ${names.third}.`,
          `${names.second} and ${names.third} hold the next two spots.`,
        ])
      : names.second
        ? `${names.second} is the loyal sidekick.`
        : "Nobody else comes close.";
  return `${greeting} ${crown} ${court} ${countsSentence(reading)}`;
}

/** How much listening the verdict read, in words a person would use. */
function countsSentence(reading: Reading): string {
  const { artists, tracks } = reading.profile.counts;
  if (artists === 0 && tracks === 0) return `It all comes from ${countsPhrase(reading.profile)}.`;
  const a = spokenCount(artists);
  const t = spokenCount(tracks);
  return choose(reading, "counts", [
    `That is ${a} artists and ${t} favourite tracks in all.`,
    `We read ${a} artists and ${t} tracks you keep coming back to.`,
    `In all: ${a} artists, ${t} tracks.`,
    `Your top lists hold ${a} artists and ${t} tracks.`,
    `Counting every list, that makes ${a} artists and ${t} tracks.`,
    `All told, ${a} artists and ${t} tracks made your top lists.`,
    `Between them: ${a} artists, ${t} tracks on repeat.`,
    `The evidence: ${a} artists and ${t} tracks.`,
  ]);
}

/** "seven top artists, around 20 top tracks and 50 recent plays", leaving out what is zero. */
function countsPhrase(profile: TasteProfile): string {
  const { artists, tracks, recentPlays } = profile.counts;
  const parts = [
    [artists, "top artist", "top artists"],
    [tracks, "top track", "top tracks"],
    [recentPlays, "recent play", "recent plays"],
  ] as const;
  const phrases = parts
    .filter(([count]) => count > 0)
    .map(([count, one, many]) => `${spokenCount(count)} ${count === 1 ? one : many}`);
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
      ? choose(reading, "runners-up", [
          `, with ${second.genre} (${percent(second.share)}) and ${third.genre} (${percent(third.share)}) close behind`,
          `; ${second.genre} (${percent(second.share)}) and ${third.genre} (${percent(third.share)}) come next`,
          `, then ${second.genre} at ${percent(second.share)} and ${third.genre} at ${percent(third.share)}`,
          `, ahead of ${second.genre} (${percent(second.share)}) and ${third.genre} (${percent(third.share)})`,
        ])
      : second
        ? `, with ${second.genre} (${percent(second.share)}) on the side`
        : "";
  const share = percent(first.share);
  const sentences = [
    upperFirst(
      choose(reading, "top-genre", [
        `${share} of your rotation is ${first.genre}${runnersUp}.`,
        `${first.genre} leads your genres at ${share}${runnersUp}.`,
        `Your top genre is ${first.genre}, at ${share}${runnersUp}.`,
        `By genre, ${first.genre} comes first with ${share}${runnersUp}.`,
      ]),
    ),
  ];
  const diversity = profile.genreDiversity;
  const noun = familyEntry(reading.family).noun;
  if (isMostlyOneFamily(reading.familyShare) && reading.family !== "ECLECTIC") {
    sentences.push(
      choose(reading, "mostly", [
        `Most of it is ${noun}, whatever the sub-genre says.`,
        `Strip away the sub-genres and most of it is ${noun}.`,
        `However you slice it, most of it is ${noun}.`,
        `Under the labels, most of it is ${noun}.`,
        `Call it what you like: most of it is ${noun}.`,
        `Most of it is ${noun}, really.`,
      ]),
    );
  }
  if (diversity !== null) {
    const score = diversity.toFixed(2);
    const voice = TONE_VOICE[reading.tone];
    const band = diversity >= 0.45 ? voice.wideRange : diversity >= 0.2 ? voice.someRange : voice.oneLane;
    sentences.push(
      `${choose(reading, "diversity-figure", [
        `Genre diversity: ${score} out of 1.`,
        `Your genre diversity comes to ${score}.`,
        `Across genre families you score ${score} for diversity.`,
        `Diversity across families: ${score}.`,
      ])} ${choose(reading, "diversity", band)}`,
    );
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
  const shown = average ?? weighted;
  const figures =
    average !== null && weighted !== null && weighted !== average
      ? choose(reading, "figures-two", [
          `Your artists and tracks have an average popularity of ${average}/100, or ${weighted}/100 when your favourites count double.`,
          `Popularity: ${average}/100 on average, ${weighted}/100 weighted towards your favourites.`,
          `On Spotify's popularity scale you average ${average}/100, and ${weighted}/100 once rank counts.`,
          `Average popularity ${average}/100; weight it by rank and it is ${weighted}/100.`,
          `Your music scores ${average}/100 for popularity, ${weighted}/100 counting your top picks more.`,
          `Spotify rates your listening ${average}/100 for popularity (${weighted}/100 by rank).`,
        ])
      : choose(reading, "figures-one", [
          `Your artists and tracks have an average popularity of ${shown}/100.`,
          `Popularity: ${shown}/100 on average.`,
          `Your average on Spotify's popularity scale: ${shown}/100.`,
          `Your music scores ${shown}/100 for popularity.`,
          `Popularity check: ${shown}/100.`,
          `Spotify rates your listening ${shown}/100 for popularity.`,
          `Measured by popularity, you land at ${shown}/100.`,
        ]);
  const band = TONE_VOICE[reading.tone].popularity[popularityBand(reading.popularity)];
  return `${figures} ${choose(reading, "popularity-band", band)}`;
}

function timeParagraph(reading: Reading): string {
  const { profile, vintageShare } = reading;
  const sentences: string[] = [];
  const peak = peakDecade(profile.decades);
  const span = decadeSpan(profile.decades);
  if (peak) {
    const share = percent(peak.share);
    sentences.push(
      choose(reading, "peak-decade", [
        `${share} of your tracks were released in the ${peak.decade}s.`,
        `The ${peak.decade}s account for ${share} of your tracks.`,
        `Your busiest decade is the ${peak.decade}s, with ${share} of your tracks.`,
        `By release date, the ${peak.decade}s win with ${share}.`,
      ]),
    );
    if (vintageShare !== null && has(reading, "nostalgic")) {
      sentences.push(
        choose(reading, "vintage", [
          "You treat the present as an optional extra: the good stuff was pressed on vinyl long before anyone had a phone.",
          `You are ${percent(vintageShare)} vintage, and you would like a word with whoever invented the skip button.`,
          `With ${percent(vintageShare)} of it from before 1990, your collection could apply for a pension.`,
        ]),
      );
    } else if (peak.decade >= 2020) {
      sentences.push(
        choose(reading, "new-releases", [
          "You live in the new-release tab and refresh it like it owes you money.",
          "Fresh releases are your natural habitat; last year already feels like history.",
          "You hear this decade's music while it is still warm.",
          "New music is your default setting.",
          "Your playlists could pass for this week's release schedule.",
        ]),
      );
    } else if (peak.decade >= 2000) {
      sentences.push(
        choose(reading, "recent-past", [
          `Your heart belongs to the ${peak.decade}s, and it shows.`,
          `The ${peak.decade}s are where your taste feels at home.`,
          `Something about the ${peak.decade}s keeps pulling you back.`,
        ]),
      );
    } else {
      sentences.push(
        choose(reading, "older", [
          `You suspect music peaked in the ${peak.decade}s, and your playlists agree.`,
          `For you, the ${peak.decade}s never really ended.`,
          `The ${peak.decade}s called, and you picked up on the first ring.`,
        ]),
      );
    }
    if (span && span.count >= 4) {
      sentences.push(
        choose(reading, "span", [
          `Still, your tracks span ${span.count} decades, from the ${span.oldest}s to the ${span.newest}s, which makes you a time traveller with a library card.`,
          `Your tracks cover ${span.count} decades, the ${span.oldest}s to the ${span.newest}s.`,
          `From the ${span.oldest}s to the ${span.newest}s: ${span.count} decades in one listening history.`,
          `That is ${span.count} decades of music, ${span.oldest}s to ${span.newest}s.`,
          `Your timeline runs ${span.count} decades deep, ${span.oldest}s to ${span.newest}s.`,
          `Oldest track: the ${span.oldest}s; newest: the ${span.newest}s; ${span.count} decades between.`,
        ]),
      );
    }
  }
  const loyalty = profile.artistLoyalty;
  if (loyalty === null) {
    sentences.push(
      "We could not compare this month with your all-time favourites, so your loyalty stays a mystery.",
    );
  } else {
    const kept = percent(loyalty);
    const band = loyaltyBand(loyalty, devotedThreshold());
    sentences.push(
      band === "devoted"
        ? choose(reading, "loyal", [
            `${kept} of your all-time favourites are still in this month's top: you do not do breakups.`,
            `${kept} of your all-time favourites held their place this month, so your top list is basically tenured.`,
            `This month keeps ${kept} of your all-time favourites; loyalty is your love language.`,
            `Loyalty check: ${kept} of the old guard still on top.`,
            `Your long-term and this-month lists overlap by ${kept}.`,
            `Same faces, new month: ${kept} of your all-time favourites stayed.`,
            `A ${kept} overlap between this month and all time says you stick around.`,
          ])
        : band === "steady"
          ? choose(reading, "steady", [
              `${kept} of your all-time favourites made this month's top too, a mix of old flames and new crushes.`,
              `This month keeps ${kept} of your all-time favourites, proof that you can commit without getting stuck.`,
              `${kept} of your long-time favourites are still around this month.`,
              `Old favourites and new: a ${kept} overlap between this month and all time.`,
              `Of your all-time top artists, ${kept} still feature this month.`,
            ])
          : choose(reading, "restless", [
              `Only ${kept} of your all-time favourites survived into this month's top, so your heart is a revolving door.`,
              `Just ${kept} of your all-time favourites are still in this month's top.`,
              `This month kept a mere ${kept} of your all-time favourites; you move on fast.`,
              `A ${kept} overlap between this month and all time: new month, new favourites.`,
            ]),
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
        ? choose(reading, "clean-loud", [
            "Not one track carries an explicit tag, so all that noise is technically family-friendly.",
            "Zero explicit tags: loud, but polite.",
          ])
        : choose(reading, "clean", [
            "Not a single explicit track in sight, so your playlists are safe for grandparents.",
            "No explicit tags anywhere; the parental advisory sticker never got a look-in.",
            "Clean as a whistle: not one explicit track.",
          ]),
    );
  }
  return sentences.join(" ");
}

function devotedThreshold(): number {
  const devoted = TRAITS.find((row) => row.trait === "devoted");
  return devoted?.when.atLeast ?? 0.75;
}

function closing(reading: Reading): string {
  const { profile, name } = reading;
  const acclaim = Math.round(reading.criticalAcclaim * 100);
  const mainstream = Math.round(reading.mainstream * 100);
  const label = reading.label;
  const scores = choose(reading, "closing", [
    `Verdict: ${label}. Critics would rate your taste ${acclaim}/100, and the charts would call it ${mainstream}/100 mainstream.`,
    `So here it is: ${label}, with critical acclaim at ${acclaim}/100 and mainstream at ${mainstream}/100.`,
    `The official finding: ${label}. Critical acclaim ${acclaim}/100, mainstream ${mainstream}/100.`,
    `${label}: acclaim ${acclaim}/100, mainstream ${mainstream}/100.`,
    `Put it on the record: ${label}, ${acclaim}/100 with the critics and ${mainstream}/100 with the charts.`,
    `Our ruling is ${label}, scoring ${acclaim}/100 for acclaim and ${mainstream}/100 for mainstream.`,
  ]);
  const signOff = choose(
    reading,
    "sign-off",
    TONE_VOICE[reading.tone].signOffs[reading.traits[0]?.trait ?? "none"],
  );
  const missing =
    profile.missingSources.length > 0
      ? ` A few of Spotify's answers never arrived (${profile.missingSources.length} of ${SOURCES.length} sources), so this verdict is built on the rest.`
      : "";
  return `${scores} ${name ? `${name}, ${lowerFirst(signOff)}` : signOff}${missing}`;
}

/** Genre names are lower case; a sentence that starts with one starts with a capital. */
function upperFirst(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function lowerFirst(text: string): string {
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** Appended only when the rest is too short: what the two scores mean, in the same voice. */
function readingGuide(reading: Reading): string {
  return `How to read this: critical acclaim rewards acclaimed genres, range and a sense of history, while the mainstream score measures how close your listening sits to the charts. Yours land at ${Math.round(reading.criticalAcclaim * 100)} and ${Math.round(reading.mainstream * 100)} out of 100. Keep listening and the picture only gets sharper.`;
}

export function blankSlateDescription(name: string | null): string {
  const opener = name ? `${name}, we went looking` : "We went looking";
  const description = [
    `${opener} for your listening history and found a beautifully empty room. There are not enough top artists, top tracks or recent plays on this account yet for an honest verdict, and we would rather say so than invent a personality for you.`,
    "Maybe the account is brand new, maybe you mostly listen somewhere else, or maybe Spotify simply has not worked out your favourites yet. Either way, there is nothing here to roast, and that is a first for us. So there are no scores either: a number drawn from nothing would only be a guess.",
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

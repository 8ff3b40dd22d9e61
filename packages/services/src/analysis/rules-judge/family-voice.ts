import type { GenreFamily } from "./genre-families.js";

/** A sentence crowning the listener's top artist. */
type Crown = (topArtist: string) => string;

/** Per family: two ways to crown the top artist and two asides about the genre's people. */
export const FAMILY_VOICE: Record<GenreFamily, { crowns: readonly Crown[]; asides: readonly string[] }> = {
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

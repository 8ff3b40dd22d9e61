/**
 * Genre families, matched in this order: a genre belongs to the first family one of whose keywords it
 * contains ("indie pop" is INDIE, not POP; "pop rap" is HIP-HOP; "latin hip hop" is LATIN). `mainstream`
 * is the family's prior, used for the mainstream score when Spotify withheld popularity (development
 * mode); `acclaim` is how critics tend to regard the family, one input of the critical acclaim score.
 * Genres matching no keyword are ECLECTIC. docs/verdicts.md lists the mapping.
 */
export const GENRE_FAMILIES = [
  {
    family: "METAL",
    keywords: ["metal", "nwobhm", "thrash", "djent", "grindcore", "deathcore", "sludge", "doom", "melodeath"],
    mainstream: 0.35,
    acclaim: 0.4,
    noun: "metal",
  },
  {
    family: "JAZZ",
    keywords: ["jazz", "bop", "swing", "big band", "bossa nova"],
    mainstream: 0.25,
    acclaim: 0.9,
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
      "minimalism",
      "impressionism",
      "soundtrack",
      "score",
      "cinematic",
      "video game music",
      "epicore",
    ],
    mainstream: 0.2,
    acclaim: 0.9,
    noun: "classical",
  },
  {
    family: "LATIN",
    keywords: ["latin", "reggaeton", "salsa", "bachata", "cumbia", "sertanejo", "corrido", "dembow"],
    mainstream: 0.75,
    acclaim: 0.3,
    noun: "Latin",
  },
  {
    family: "HIP-HOP",
    keywords: ["hip hop", "hip-hop", "hiphop", "rap", "trap", "drill", "grime", "boom bap"],
    mainstream: 0.75,
    acclaim: 0.45,
    noun: "hip-hop",
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
      "uk garage",
      "glitch",
      "footwork",
      "leftfield",
      "drone",
      "new age",
      "space music",
      "field recording",
    ],
    mainstream: 0.55,
    acclaim: 0.55,
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
      "chamber pop",
      "jangle pop",
      "noise pop",
      "c86",
      "chillhop",
    ],
    mainstream: 0.3,
    acclaim: 0.75,
    noun: "indie",
  },
  {
    family: "SOUL",
    keywords: [
      "r&b",
      "soul",
      "funk",
      "motown",
      "disco",
      "gospel",
      "doo-wop",
      "quiet storm",
      "urban contemporary",
    ],
    mainstream: 0.55,
    acclaim: 0.7,
    noun: "soul and R&B",
  },
  {
    family: "FOLK",
    keywords: ["folk", "country", "americana", "bluegrass", "singer-songwriter", "stomp and holler"],
    mainstream: 0.4,
    acclaim: 0.6,
    noun: "folk and country",
  },
  {
    family: "ROCK",
    keywords: ["rock", "punk", "grunge", "emo", "new wave"],
    mainstream: 0.5,
    acclaim: 0.55,
    noun: "rock",
  },
  { family: "POP", keywords: ["pop"], mainstream: 0.85, acclaim: 0.2, noun: "pop" },
] as const;

/** Every family a genre can belong to, in matching order: the matched ones, then ECLECTIC. */
export const FAMILY_NAMES: readonly [MatchedFamily | "ECLECTIC", ...(MatchedFamily | "ECLECTIC")[]] = [
  GENRE_FAMILIES[0].family,
  ...GENRE_FAMILIES.slice(1).map((entry) => entry.family),
  "ECLECTIC",
];
/** How many families a genre can belong to (the denominator of genre diversity). */
export const FAMILY_COUNT = FAMILY_NAMES.length;

type MatchedFamily = (typeof GENRE_FAMILIES)[number]["family"];
/** ECLECTIC: genres that match no family; GENRE-FLUID: Spotify sent no genres at all. */
export type GenreFamily = MatchedFamily | "ECLECTIC" | "GENRE-FLUID";

const UNMATCHED_FAMILY = {
  family: "ECLECTIC",
  mainstream: 0.4,
  acclaim: 0.6,
  noun: "genre-defying",
} as const;

export function genreFamilyOf(genre: string): MatchedFamily | "ECLECTIC" {
  const normalised = genre.toLowerCase();
  return (
    GENRE_FAMILIES.find((entry) => entry.keywords.some((keyword) => normalised.includes(keyword)))?.family ??
    "ECLECTIC"
  );
}

/** A family's row of GENRE_FAMILIES (its prior and its noun); the unmatched row for ECLECTIC and GENRE-FLUID. */
export function familyEntry(family: GenreFamily) {
  return GENRE_FAMILIES.find((entry) => entry.family === family) ?? UNMATCHED_FAMILY;
}

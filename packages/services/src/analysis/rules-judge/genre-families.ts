/**
 * Genre families, matched in this order: a genre belongs to the first family one of whose keywords it
 * contains ("indie pop" is INDIE, not POP; "pop rap" is HIP-HOP). `mainstream` is the family's prior,
 * used for the mainstream score when Spotify withheld popularity (development mode).
 */
export const GENRE_FAMILIES = [
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

/** A family's row of GENRE_FAMILIES (its prior and its noun); the unmatched row for ECLECTIC and GENRE-FLUID. */
export function familyEntry(family: GenreFamily) {
  return GENRE_FAMILIES.find((entry) => entry.family === family) ?? UNMATCHED_FAMILY;
}

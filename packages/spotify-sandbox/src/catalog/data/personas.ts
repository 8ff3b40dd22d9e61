import type { Persona } from "../personas.js";

/**
 * The named listeners, each a distinct taste a profiler can tell apart, and the countries generated
 * (`seed:<n>`) listeners come from. Data only; the generator turns a persona into top lists and plays.
 */

const NEUTRAL = { newReleaseAffinity: 0, unclassifiedAffinity: 1, tracksPerArtist: 3 } as const;

export const NAMED_PERSONAS: readonly Persona[] = [
  {
    id: "indie-obscurist",
    displayName: "Wren Calloway",
    description:
      "Chases obscurity: bedroom-pop tapes, chamber folk and math rock with a few hundred monthly listeners; dozens of niche genres.",
    country: "IE",
    product: "premium",
    followers: 41,
    taste: {
      ...NEUTRAL,
      clusters: [
        { clusterId: "indie-folk", weight: 1 },
        { clusterId: "bedroom-lofi", weight: 1 },
        { clusterId: "indie-rock", weight: 0.6 },
        { clusterId: "ambient", weight: 0.3 },
        { clusterId: "netlabel-electronic", weight: 0.2 },
      ],
      popularity: { target: 12, spread: 9 },
      loyalty: 0.5,
      artistCount: 90,
      tracksPerArtist: 2.5,
      dailyPlays: 45,
    },
  },
  {
    id: "chart-pop",
    displayName: "Kayla Brooks",
    description:
      "Chart pop maximalist: only the biggest names and this year's singles, and this month's obsession replaces last month's.",
    country: "US",
    product: "premium",
    followers: 12,
    taste: {
      ...NEUTRAL,
      clusters: [{ clusterId: "chart-pop", weight: 1 }],
      popularity: { target: 88, spread: 5 },
      loyalty: 0.08,
      artistCount: 120,
      tracksPerArtist: 2,
      newReleaseAffinity: 0.9,
      dailyPlays: 60,
    },
  },
  {
    id: "metalhead",
    displayName: "Jonas Varga",
    description:
      "Metal lifer: the same bands for years across every time range, from melodic death metal to doom, with plenty of explicit lyrics.",
    country: "FI",
    product: "premium",
    followers: 87,
    taste: {
      ...NEUTRAL,
      clusters: [{ clusterId: "metal", weight: 1 }],
      popularity: { target: 40, spread: 20 },
      loyalty: 0.96,
      artistCount: 58,
      tracksPerArtist: 4,
      dailyPlays: 40,
    },
  },
  {
    id: "jazz-soul-nostalgic",
    displayName: "Eleanor Whitfield",
    description:
      "Lives in 1955–1975: hard bop, vocal jazz and classic soul on old pressings, many dated by year only.",
    country: "GB",
    product: "premium",
    followers: 23,
    taste: {
      ...NEUTRAL,
      clusters: [
        { clusterId: "jazz-classic", weight: 1 },
        { clusterId: "classic-soul", weight: 0.7 },
      ],
      popularity: { target: 35, spread: 18 },
      loyalty: 0.8,
      artistCount: 70,
      dailyPlays: 30,
    },
  },
  {
    id: "hip-hop-head",
    displayName: "Marcus Dean",
    description:
      "Hip-hop head: trap, drill and conscious rap from the 2010s and 2020s, mostly explicit, lots of features.",
    country: "US",
    product: "free",
    followers: 130,
    taste: {
      ...NEUTRAL,
      clusters: [
        { clusterId: "hip-hop", weight: 1 },
        { clusterId: "rnb", weight: 0.2 },
      ],
      popularity: { target: 68, spread: 18 },
      loyalty: 0.45,
      artistCount: 80,
      newReleaseAffinity: 0.3,
      dailyPlays: 55,
    },
  },
  {
    id: "classical-curator",
    displayName: "Ingrid Solberg",
    description:
      "Classical and soundtrack curator: symphonies, chamber music and film scores, old recordings next to new ones, nothing explicit; many performers have no genres.",
    country: "NO",
    product: "premium",
    followers: 19,
    taste: {
      ...NEUTRAL,
      clusters: [
        { clusterId: "classical", weight: 1 },
        { clusterId: "soundtrack", weight: 0.6 },
      ],
      popularity: { target: 32, spread: 20 },
      loyalty: 0.85,
      artistCount: 65,
      dailyPlays: 25,
    },
  },
  {
    id: "unclassified-underground",
    displayName: "Theo Marsh",
    description:
      "Netlabel electronica and anonymous uploads: most of these artists have no genres on Spotify at all.",
    country: "NL",
    product: "premium",
    followers: 8,
    taste: {
      ...NEUTRAL,
      clusters: [
        { clusterId: "netlabel-electronic", weight: 1 },
        { clusterId: "ambient", weight: 0.25 },
      ],
      popularity: { target: 10, spread: 12 },
      loyalty: 0.6,
      artistCount: 60,
      unclassifiedAffinity: 6,
      dailyPlays: 35,
    },
  },
  {
    id: "eclectic-explorer",
    displayName: "Priya Natarajan",
    description:
      "Eclectic explorer: reggaeton, bluegrass, techno, bebop and Baroque in the same week; the widest genre spread of all.",
    country: "IN",
    product: "premium",
    followers: 64,
    taste: {
      ...NEUTRAL,
      clusters: [
        { clusterId: "latin", weight: 1 },
        { clusterId: "country", weight: 1 },
        { clusterId: "electronic", weight: 1 },
        { clusterId: "jazz-classic", weight: 1 },
        { clusterId: "classical", weight: 1 },
        { clusterId: "indie-rock", weight: 1 },
        { clusterId: "hip-hop", weight: 1 },
        { clusterId: "classic-rock", weight: 1 },
      ],
      popularity: { target: 50, spread: 28 },
      loyalty: 0.3,
      artistCount: 100,
      dailyPlays: 50,
    },
  },
  {
    id: "casual-country",
    displayName: "Caroline Pruitt",
    description:
      "Casual listener: a dozen country and americana artists on the drive to work, so every top list is shorter than 50.",
    country: "US",
    product: "free",
    followers: 3,
    taste: {
      ...NEUTRAL,
      clusters: [{ clusterId: "country", weight: 1 }],
      popularity: { target: 70, spread: 15 },
      loyalty: 0.9,
      artistCount: 12,
      tracksPerArtist: 2.5,
      dailyPlays: 12,
    },
  },
  {
    id: "new-listener",
    displayName: "Sam Rivera",
    description: "Brand-new account: no top artists, no top tracks and nothing recently played.",
    country: "CA",
    product: "free",
    followers: 0,
    taste: null,
  },
];

/** Where generated listeners live (picked by seed). */
export const SEEDED_COUNTRIES: readonly string[] = [
  "US",
  "GB",
  "DE",
  "SE",
  "BR",
  "MX",
  "JP",
  "FR",
  "CA",
  "AU",
  "NL",
  "ES",
  "IN",
  "PL",
  "NG",
];

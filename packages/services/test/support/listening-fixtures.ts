/**
 * Hand-built ListeningData for tests: five clearly different tastes, a brand-new account with no data,
 * and a development-mode variant (no popularity, no followers). Each taste is written as a compact spec
 * (artists, tracks and which of them appear in each time range, best first) and expanded into the exact
 * shapes the collector produces, so tests read like the listener's story rather than like JSON.
 *
 * Ids are stable and readable ("indie-artist-0", "pop-track-3"); recent plays are spaced four minutes
 * apart before a fixed instant, newest first, so nothing depends on the clock.
 */
import type {
  Artist,
  ArtistReference,
  ListeningData,
  Play,
  ReleaseDatePrecision,
  SourceName,
  TimeRange,
  Track,
} from "../../src/analysis/types.js";

/** The instant of the newest recent play in every fixture. */
export const NEWEST_PLAY_AT = new Date("2026-03-01T12:00:00.000Z");

export function artist(
  id: string,
  name: string,
  genres: readonly string[] | null,
  popularity: number | null,
  options: { followers?: number | null; imageUrl?: string | null } = {},
): Artist {
  return {
    id,
    name,
    genres,
    popularity,
    followers:
      options.followers === undefined
        ? popularity === null
          ? null
          : popularity * 10_000
        : options.followers,
    imageUrl: options.imageUrl === undefined ? `https://images.example/${id}.jpg` : options.imageUrl,
  };
}

export function track(
  id: string,
  name: string,
  artists: readonly ArtistReference[],
  options: {
    popularity?: number | null;
    explicit?: boolean | null;
    releaseDate?: string | null;
    releaseDatePrecision?: ReleaseDatePrecision | null;
    durationMs?: number | null;
  } = {},
): Track {
  const releaseDate = options.releaseDate ?? null;
  return {
    id,
    name,
    popularity: options.popularity ?? null,
    explicit: options.explicit ?? null,
    durationMs: options.durationMs === undefined ? 200_000 : options.durationMs,
    artists: artists.map((credit) => ({ id: credit.id, name: credit.name })),
    album: {
      id: `${id}-album`,
      name: `${name} (album)`,
      releaseDate,
      releaseDatePrecision:
        options.releaseDatePrecision === undefined ? precisionOf(releaseDate) : options.releaseDatePrecision,
      imageUrl: null,
    },
  };
}

/** Plays of `tracks`, newest first, four minutes apart, the first at NEWEST_PLAY_AT. */
export function playsOf(tracks: readonly Track[]): Play[] {
  return tracks.map((played, index) => ({
    track: played,
    playedAt: new Date(NEWEST_PLAY_AT.getTime() - index * 4 * 60_000),
  }));
}

/** ListeningData from explicit lists; a list given as null is a failed source and is listed as missing. */
export function listening(input: {
  topArtists?: Partial<Record<TimeRange, readonly Artist[] | null>>;
  topTracks?: Partial<Record<TimeRange, readonly Track[] | null>>;
  recentlyPlayed?: readonly Play[] | null;
}): ListeningData {
  const topArtists = {
    short_term: input.topArtists?.short_term === undefined ? [] : input.topArtists.short_term,
    medium_term: input.topArtists?.medium_term === undefined ? [] : input.topArtists.medium_term,
    long_term: input.topArtists?.long_term === undefined ? [] : input.topArtists.long_term,
  };
  const topTracks = {
    short_term: input.topTracks?.short_term === undefined ? [] : input.topTracks.short_term,
    medium_term: input.topTracks?.medium_term === undefined ? [] : input.topTracks.medium_term,
    long_term: input.topTracks?.long_term === undefined ? [] : input.topTracks.long_term,
  };
  const recentlyPlayed = input.recentlyPlayed === undefined ? [] : input.recentlyPlayed;
  const missingSources: SourceName[] = [];
  for (const range of ["short_term", "medium_term", "long_term"] as const) {
    if (topArtists[range] === null) missingSources.push(`topArtists.${range}`);
  }
  for (const range of ["short_term", "medium_term", "long_term"] as const) {
    if (topTracks[range] === null) missingSources.push(`topTracks.${range}`);
  }
  if (recentlyPlayed === null) missingSources.push("recentlyPlayed");
  return { topArtists, topTracks, recentlyPlayed, missingSources };
}

/** The same data as Spotify sends it to a development-mode app: no popularity and no followers. */
export function withoutPopularity(data: ListeningData): ListeningData {
  const stripArtist = (item: Artist): Artist => ({ ...item, popularity: null, followers: null });
  const stripTrack = (item: Track): Track => ({ ...item, popularity: null });
  const artists = (list: readonly Artist[] | null) => list?.map(stripArtist) ?? null;
  const tracks = (list: readonly Track[] | null) => list?.map(stripTrack) ?? null;
  return {
    topArtists: {
      short_term: artists(data.topArtists.short_term),
      medium_term: artists(data.topArtists.medium_term),
      long_term: artists(data.topArtists.long_term),
    },
    topTracks: {
      short_term: tracks(data.topTracks.short_term),
      medium_term: tracks(data.topTracks.medium_term),
      long_term: tracks(data.topTracks.long_term),
    },
    recentlyPlayed: data.recentlyPlayed?.map((play) => ({ ...play, track: stripTrack(play.track) })) ?? null,
    missingSources: [...data.missingSources],
  };
}

/**
 * A taste written compactly. `artists` and `tracks` are the listener's catalogue; the range lists hold
 * indexes into them, best first; `recent` holds track indexes, newest play first.
 */
interface TasteSpec {
  readonly prefix: string;
  readonly artists: readonly (readonly [name: string, genres: readonly string[], popularity: number])[];
  readonly tracks: readonly (readonly [
    name: string,
    artistIndex: number,
    releaseDate: string,
    popularity: number,
    explicit: boolean,
  ])[];
  readonly topArtists: Readonly<Record<TimeRange, readonly number[]>>;
  readonly topTracks: Readonly<Record<TimeRange, readonly number[]>>;
  readonly recent: readonly number[];
}

function fromSpec(spec: TasteSpec): ListeningData {
  const artists = spec.artists.map(([name, genres, popularity], index) =>
    artist(`${spec.prefix}-artist-${index}`, name, genres, popularity),
  );
  const tracks = spec.tracks.map(([name, artistIndex, releaseDate, popularity, explicit], index) =>
    track(`${spec.prefix}-track-${index}`, name, [pick(artists, artistIndex)], {
      popularity,
      explicit,
      releaseDate,
    }),
  );
  const artistsAt = (indexes: readonly number[]) => indexes.map((index) => pick(artists, index));
  const tracksAt = (indexes: readonly number[]) => indexes.map((index) => pick(tracks, index));
  return listening({
    topArtists: {
      short_term: artistsAt(spec.topArtists.short_term),
      medium_term: artistsAt(spec.topArtists.medium_term),
      long_term: artistsAt(spec.topArtists.long_term),
    },
    topTracks: {
      short_term: tracksAt(spec.topTracks.short_term),
      medium_term: tracksAt(spec.topTracks.medium_term),
      long_term: tracksAt(spec.topTracks.long_term),
    },
    recentlyPlayed: playsOf(tracksAt(spec.recent)),
  });
}

/** Little-known bedroom-pop and slowcore acts, popularity 9–31, mostly 2010s–2020s, shifting favourites. */
export const obscureIndie: ListeningData = fromSpec({
  prefix: "indie",
  artists: [
    ["Hovvdy", ["bedroom pop", "slowcore"], 31],
    ["Florist", ["indie folk", "bedroom pop"], 28],
    ["Duster", ["slowcore", "space rock"], 24],
    ["Grouper", ["ambient folk", "drone"], 22],
    ["Cindy Lee", ["hypnagogic pop", "lo-fi indie"], 15],
    ["Wednesday", ["shoegaze", "indie rock"], 19],
    ["Spirit of the Beehive", ["experimental indie", "dream pop"], 12],
    ["Teen Suicide", ["lo-fi indie", "bedroom pop"], 9],
  ],
  tracks: [
    ["Blindsided", 0, "2018-02-09", 22, false],
    ["White Light", 1, "2016-07-15", 18, false],
    ["Inside Out", 2, "1998-03-01", 26, false],
    ["Heavy Water", 3, "2008-06", 20, false],
    ["Dreamer", 4, "2024-03-08", 14, false],
    ["Bull Believer", 5, "2023-04-07", 21, true],
    ["Entertainment", 6, "2021", 11, false],
    ["Haunt Me", 7, "2012-10-31", 8, true],
  ],
  topArtists: {
    short_term: [4, 5, 0, 6, 1],
    medium_term: [0, 4, 2, 5, 3],
    long_term: [0, 1, 2, 3, 7],
  },
  topTracks: {
    short_term: [4, 5, 0, 6],
    medium_term: [0, 4, 2, 1],
    long_term: [0, 1, 2, 3, 7],
  },
  recent: [4, 4, 5, 0, 6, 2, 1],
});

/** Chart pop at popularity 82–100, almost all released this decade, same stars every month. */
export const chartPop: ListeningData = fromSpec({
  prefix: "pop",
  artists: [
    ["Taylor Swift", ["pop"], 100],
    ["Sabrina Carpenter", ["pop"], 95],
    ["Dua Lipa", ["dance pop", "pop"], 90],
    ["Ariana Grande", ["pop"], 92],
    ["Harry Styles", ["pop", "uk pop"], 86],
    ["Olivia Rodrigo", ["pop"], 88],
    ["Charli xcx", ["dance pop", "hyperpop"], 82],
  ],
  tracks: [
    ["Fortnight", 0, "2024-04-19", 96, false],
    ["Espresso", 1, "2024-04-11", 98, false],
    ["Houdini", 2, "2023-11-09", 87, false],
    ["we can't be friends", 3, "2024-03-08", 90, false],
    ["As It Was", 4, "2022-04-01", 91, false],
    ["vampire", 5, "2023-06-30", 89, false],
    ["360", 6, "2024-06-07", 84, true],
    ["Shake It Off", 0, "2014-10-27", 85, false],
  ],
  topArtists: {
    short_term: [0, 1, 2, 3, 6],
    medium_term: [0, 1, 3, 2, 5],
    long_term: [0, 3, 4, 5, 2],
  },
  topTracks: {
    short_term: [1, 0, 2, 6],
    medium_term: [0, 1, 3, 5],
    long_term: [0, 4, 7, 3],
  },
  recent: [1, 0, 1, 2, 6, 3, 4],
});

/** The same six metal bands in every range, popularity 48–70, mostly 1980s thrash. */
export const loyalMetalhead: ListeningData = fromSpec({
  prefix: "metal",
  artists: [
    ["Metallica", ["thrash metal", "metal", "hard rock"], 70],
    ["Iron Maiden", ["nwobhm", "heavy metal"], 62],
    ["Slayer", ["thrash metal", "speed metal"], 55],
    ["Megadeth", ["thrash metal", "speed metal"], 58],
    ["Black Sabbath", ["heavy metal", "doom metal"], 60],
    ["Judas Priest", ["heavy metal", "nwobhm"], 48],
  ],
  tracks: [
    ["Master of Puppets", 0, "1986-03-03", 80, false],
    ["The Trooper", 1, "1983-05-16", 66, false],
    ["Raining Blood", 2, "1986-10-07", 61, false],
    ["Holy Wars... The Punishment Due", 3, "1990-09-24", 58, false],
    ["Paranoid", 4, "1970-09-18", 70, false],
    ["Painkiller", 5, "1990-09-03", 52, false],
    ["72 Seasons", 0, "2023-04-14", 55, false],
  ],
  topArtists: {
    short_term: [0, 1, 2, 3, 4, 5],
    medium_term: [0, 2, 1, 3, 4, 5],
    long_term: [0, 1, 2, 4, 3, 5],
  },
  topTracks: {
    short_term: [0, 2, 1, 3, 6],
    medium_term: [0, 1, 2, 4, 5],
    long_term: [0, 1, 4, 2, 5],
  },
  recent: [0, 0, 2, 1, 3, 4, 6],
});

/** 1950s–60s jazz, popularity 38–66, the old masters with a rotating cast around them. */
export const jazzNostalgic: ListeningData = fromSpec({
  prefix: "jazz",
  artists: [
    ["Miles Davis", ["jazz", "cool jazz", "modal jazz"], 66],
    ["John Coltrane", ["jazz", "hard bop"], 62],
    ["Bill Evans", ["jazz", "cool jazz", "jazz piano"], 55],
    ["Thelonious Monk", ["jazz", "bebop", "jazz piano"], 52],
    ["Charles Mingus", ["jazz", "hard bop"], 47],
    ["Chet Baker", ["cool jazz", "vocal jazz"], 58],
    ["Alice Coltrane", ["spiritual jazz"], 38],
  ],
  tracks: [
    ["So What", 0, "1959-08-17", 72, false],
    ["Naima", 1, "1960-01-27", 55, false],
    ["Waltz for Debby", 2, "1962", 50, false],
    ["'Round Midnight", 3, "1957-05", 48, false],
    ["Moanin'", 4, "1960-02-01", 40, false],
    ["My Funny Valentine", 5, "1954-02-15", 57, false],
    ["Journey in Satchidananda", 6, "1971-01-01", 35, false],
    ["Blue in Green", 0, "1959-08-17", 60, false],
  ],
  topArtists: {
    short_term: [2, 6, 0, 5, 3],
    medium_term: [0, 1, 2, 4, 6],
    long_term: [0, 1, 3, 4, 5],
  },
  topTracks: {
    short_term: [2, 6, 7, 5],
    medium_term: [0, 1, 2, 4],
    long_term: [0, 1, 3, 4, 7],
  },
  recent: [2, 6, 7, 5, 0, 3],
});

/** Popular, mostly explicit hip-hop and rap from the 2010s and 2020s. */
export const hipHop: ListeningData = fromSpec({
  prefix: "rap",
  artists: [
    ["Kendrick Lamar", ["hip hop", "conscious hip hop", "west coast rap"], 94],
    ["Travis Scott", ["rap", "trap"], 90],
    ["Tyler, The Creator", ["hip hop", "rap"], 88],
    ["J. Cole", ["hip hop", "conscious hip hop"], 87],
    ["Drake", ["canadian hip hop", "rap"], 95],
    ["Future", ["trap", "rap"], 86],
  ],
  tracks: [
    ["Not Like Us", 0, "2024-05-04", 95, true],
    ["FE!N", 1, "2023-07-28", 90, true],
    ["EARFQUAKE", 2, "2019-05-17", 86, true],
    ["No Role Modelz", 3, "2014-12-09", 88, true],
    ["HUMBLE.", 0, "2017-04-14", 87, true],
    ["Passionfruit", 4, "2017-03-18", 84, false],
    ["Mask Off", 5, "2017-02-17", 83, true],
  ],
  topArtists: {
    short_term: [0, 1, 4, 2, 5],
    medium_term: [0, 2, 1, 3, 4],
    long_term: [0, 3, 2, 4, 1],
  },
  topTracks: {
    short_term: [0, 1, 6, 2],
    medium_term: [0, 2, 4, 1],
    long_term: [4, 3, 0, 5],
  },
  recent: [0, 1, 0, 6, 2, 5],
});

/** A brand-new account: every source answered, all of them empty. */
export const emptyAccount: ListeningData = listening({});

/** chartPop as a development-mode app sees it (Feb 2026): no popularity, no followers; genres kept. */
export const developmentMode: ListeningData = withoutPopularity(chartPop);

/** The five clearly different tastes, by name, for tests that run over all of them. */
export const TASTES = { obscureIndie, chartPop, loyalMetalhead, jazzNostalgic, hipHop } as const;

/** Every fixture with listening data (the five tastes and the development-mode variant). */
export const ALL_LISTENERS = { ...TASTES, developmentMode } as const;

function precisionOf(releaseDate: string | null): ReleaseDatePrecision | null {
  if (releaseDate === null) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(releaseDate)) return "day";
  if (/^\d{4}-\d{2}$/.test(releaseDate)) return "month";
  return /^\d{4}$/.test(releaseDate) ? "year" : null;
}

function pick<Item>(items: readonly Item[], index: number): Item {
  const item = items[index];
  if (item === undefined) throw new Error(`fixture index ${index} is out of range`);
  return item;
}

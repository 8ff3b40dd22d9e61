import { WORLDWIDE_MARKETS } from "./data/markets.js";
import { type GenreCluster, LATEST_RELEASE_YEAR } from "./genre-clusters.js";
import { albumName, artistName, trackName } from "./naming.js";
import { Random } from "./random.js";

/**
 * The synthetic music world every listener draws from. Artists belong to a genre cluster and, like their
 * albums and tracks, are derived from stable keys: two listeners who both like "metal" can share an artist,
 * with the same id, name and popularity, in every process.
 */

export type AlbumType = "album" | "single" | "compilation";
export type ReleaseDatePrecision = "year" | "month" | "day";

export interface CatalogArtist {
  readonly id: string;
  readonly name: string;
  /** Empty when Spotify has not classified the artist. */
  readonly genres: readonly string[];
  readonly popularity: number;
  readonly followers: number;
  /** The 24 hex digits shared by the artist's image URLs. */
  readonly imageKey: string;
  readonly cluster: GenreCluster;
  /** ISRC country and registrant (label) code. */
  readonly isrcPrefix: string;
  readonly debutYear: number;
  readonly finalYear: number;
}

export interface CatalogAlbum {
  readonly id: string;
  readonly name: string;
  readonly albumType: AlbumType;
  readonly totalTracks: number;
  readonly releaseYear: number;
  readonly releaseDate: string;
  readonly releaseDatePrecision: ReleaseDatePrecision;
  readonly imageKey: string;
  readonly artist: CatalogArtist;
  readonly markets: readonly string[];
}

export interface CatalogTrack {
  readonly id: string;
  readonly name: string;
  readonly album: CatalogAlbum;
  /** Main artist first, then any featured artist. */
  readonly artists: readonly CatalogArtist[];
  readonly discNumber: number;
  readonly trackNumber: number;
  readonly durationMs: number;
  readonly explicit: boolean;
  readonly popularity: number;
  readonly isrc: string;
}

/** Artists per cluster: enough that thousands of generated listeners rarely have identical taste. */
const ARTISTS_PER_CLUSTER = 300;
const SHORTEST_TRACK_MS = 90_000;
const LONGEST_TRACK_MS = 540_000;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function twoDigits(value: number): string {
  return String(value).padStart(2, "0");
}

/** Older releases on Spotify often carry only a year; recent ones nearly always a full date. */
function releaseDate(year: number, random: Random): { date: string; precision: ReleaseDatePrecision } {
  const [yearShare, monthShare] = year < 1980 ? [0.55, 0.1] : year < 2000 ? [0.25, 0.1] : [0.05, 0.03];
  const roll = random.next();
  const month = random.integer(1, 12);
  const day = random.integer(1, 28);
  if (roll < yearShare) return { date: String(year), precision: "year" };
  if (roll < yearShare + monthShare) return { date: `${year}-${twoDigits(month)}`, precision: "month" };
  return { date: `${year}-${twoDigits(month)}-${twoDigits(day)}`, precision: "day" };
}

/** The last five digits of an ISRC: the recording's number within the registrant's year. */
function designationCode(random: Random): string {
  return String(random.integer(0, 99_999)).padStart(5, "0");
}

function totalTracksFor(albumType: AlbumType, cluster: GenreCluster, random: Random): number {
  if (albumType === "single") return random.integer(1, 4);
  if (albumType === "compilation") return random.integer(14, 30);
  return cluster.style === "classical" ? random.integer(4, 24) : random.integer(7, 16);
}

export class MusicCatalog {
  readonly #artistsByCluster = new Map<string, readonly CatalogArtist[]>();
  readonly #albumsByArtist = new Map<string, readonly CatalogAlbum[]>();
  /** Interned, so thousands of cached listeners share one object per track (the catalog itself is finite). */
  readonly #tracksByPosition = new Map<string, CatalogTrack>();

  artistsOf(cluster: GenreCluster): readonly CatalogArtist[] {
    let artists = this.#artistsByCluster.get(cluster.id);
    if (!artists) {
      artists = this.#createArtists(cluster);
      this.#artistsByCluster.set(cluster.id, artists);
    }
    return artists;
  }

  albumsOf(artist: CatalogArtist): readonly CatalogAlbum[] {
    let albums = this.#albumsByArtist.get(artist.id);
    if (!albums) {
      albums = this.#createAlbums(artist);
      this.#albumsByArtist.set(artist.id, albums);
    }
    return albums;
  }

  /**
   * The track at `position` (1-based, counted across discs) of an album; the same album and position always
   * give the same track.
   */
  track(album: CatalogAlbum, position: number): CatalogTrack {
    const key = `${album.id}:${position}`;
    let track = this.#tracksByPosition.get(key);
    if (!track) {
      track = this.#createTrack(album, position);
      this.#tracksByPosition.set(key, track);
    }
    return track;
  }

  #createTrack(album: CatalogAlbum, position: number): CatalogTrack {
    const random = Random.fromKey(`track:${album.id}:${position}`);
    const { artist } = album;
    const cluster = artist.cluster;
    const twoDiscs = album.totalTracks > 18;
    const discSize = twoDiscs ? Math.ceil(album.totalTracks / 2) : album.totalTracks;
    const name =
      album.albumType === "single" && position === 1 ? album.name : trackName(cluster.style, random);
    const [shortestSeconds, longestSeconds] = cluster.durationSeconds;
    const durationMs = clamp(
      Math.round(random.between(shortestSeconds, longestSeconds) * 1000),
      SHORTEST_TRACK_MS,
      LONGEST_TRACK_MS,
    );
    const featured = random.chance(cluster.featureShare) ? this.#featuredArtist(artist, random) : undefined;
    return {
      id: random.spotifyId(),
      name,
      album,
      artists: featured ? [artist, featured] : [artist],
      discNumber: position > discSize ? 2 : 1,
      trackNumber: position > discSize ? position - discSize : position,
      durationMs,
      explicit: random.chance(cluster.explicitShare),
      popularity: clamp(
        Math.round(artist.popularity - random.between(0, 22) + (position === 1 ? 4 : 0)),
        0,
        100,
      ),
      isrc: `${artist.isrcPrefix}${twoDigits(album.releaseYear % 100)}${designationCode(random)}`,
    };
  }

  #featuredArtist(artist: CatalogArtist, random: Random): CatalogArtist | undefined {
    const candidate = random.pick(this.artistsOf(artist.cluster));
    return candidate.id === artist.id ? undefined : candidate;
  }

  #createArtists(cluster: GenreCluster): readonly CatalogArtist[] {
    const takenNames = new Set<string>();
    const artists: CatalogArtist[] = [];
    for (let index = 0; index < ARTISTS_PER_CLUSTER; index++) {
      const random = Random.fromKey(`artist:${cluster.id}:${index}`);
      let name = artistName(cluster.style, random);
      for (let attempt = 0; takenNames.has(name) && attempt < 8; attempt++)
        name = artistName(cluster.style, random);
      takenNames.add(name);
      const popularity = random.integer(cluster.popularity[0], cluster.popularity[1]);
      const debutYear = random.integer(
        cluster.debutYears[0],
        Math.min(cluster.debutYears[1], LATEST_RELEASE_YEAR),
      );
      const careerYears = random.integer(cluster.careerYears[0], cluster.careerYears[1]);
      const genres = random.chance(cluster.unclassifiedShare)
        ? []
        : random.sample(
            cluster.genres,
            random.integer(cluster.genresPerArtist[0], cluster.genresPerArtist[1]),
          );
      artists.push({
        id: random.spotifyId(),
        name,
        genres,
        popularity,
        followers: Math.round(10 ** (2 + popularity * 0.055 + random.between(-0.4, 0.4))),
        imageKey: random.hex(24),
        cluster,
        isrcPrefix: `${random.pick(cluster.origins)}${random.base36(3).toUpperCase()}`,
        debutYear,
        finalYear: Math.min(debutYear + careerYears, LATEST_RELEASE_YEAR),
      });
    }
    return artists;
  }

  #createAlbums(artist: CatalogArtist): readonly CatalogAlbum[] {
    const random = Random.fromKey(`albums:${artist.id}`);
    const { cluster } = artist;
    const count = random.integer(2, 5);
    const years = Array.from({ length: count }, () =>
      random.integer(artist.debutYear, artist.finalYear),
    ).sort((left, right) => left - right);
    const regionalMarkets = random.sample(WORLDWIDE_MARKETS, random.integer(8, 20)).sort();
    return years.map((year) => {
      const albumType = random.pickWeighted<AlbumType>([
        { value: "album", weight: cluster.albumTypeWeights.album },
        { value: "single", weight: cluster.albumTypeWeights.single },
        { value: "compilation", weight: cluster.albumTypeWeights.compilation },
      ]);
      const { date, precision } = releaseDate(year, random);
      const name =
        albumType === "compilation"
          ? random.pick([
              `The Best of ${artist.name}`,
              `Essential ${artist.name}`,
              `${artist.name}: Anthology`,
            ])
          : albumType === "single"
            ? trackName(cluster.style, random)
            : albumName(cluster.style, random);
      return {
        id: random.spotifyId(),
        name,
        albumType,
        totalTracks: totalTracksFor(albumType, cluster, random),
        releaseYear: year,
        releaseDate: date,
        releaseDatePrecision: precision,
        imageKey: random.hex(24),
        artist,
        markets: random.chance(0.85) ? WORLDWIDE_MARKETS : regionalMarkets,
      };
    });
  }
}

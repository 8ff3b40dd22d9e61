import { genreCluster, LATEST_RELEASE_YEAR } from "./genre-clusters.js";
import type { CatalogAlbum, CatalogArtist, CatalogTrack, MusicCatalog } from "./music-catalog.js";
import type { Persona, Taste } from "./personas.js";
import { Random, type Weighted } from "./random.js";

export type TimeRange = "short_term" | "medium_term" | "long_term";
export const TIME_RANGES: readonly TimeRange[] = ["short_term", "medium_term", "long_term"];

/** Spotify returns at most this many top items per time range. */
export const TOP_LIST_SIZE = 50;
/** The tracks a listener has on heavy rotation right now, sampled for the play history. */
const ROTATION_SIZE = 80;

export interface ListenerProfile {
  readonly personaId: string;
  readonly userId: string;
  readonly accountId: string;
  readonly displayName: string;
  readonly email: string;
  readonly country: string;
  readonly product: "premium" | "free";
  readonly followers: number;
  readonly imageKey: string;
}

export interface Listener {
  readonly profile: ListenerProfile;
  readonly topArtists: Readonly<Record<TimeRange, readonly CatalogArtist[]>>;
  readonly topTracks: Readonly<Record<TimeRange, readonly CatalogTrack[]>>;
  /** Recent favourites weighted by how often they come up; empty for an account with no listening. */
  readonly rotation: readonly Weighted<CatalogTrack>[];
  /** Playlist ids that plays can come from. */
  readonly playlistIds: readonly string[];
  readonly dailyPlays: number;
}

type Affinity = Readonly<Record<TimeRange, number>>;

interface Favourite<T> {
  readonly item: T;
  readonly affinity: Affinity;
}

function profileOf(persona: Persona): ListenerProfile {
  const random = Random.fromKey(`profile:${persona.id}`);
  return {
    personaId: persona.id,
    // Spotify user ids of accounts created since 2018 look like this: "31" and 26 base-36 characters.
    userId: `31${random.base36(26)}`,
    accountId: random.base62(22),
    displayName: persona.displayName,
    email: `${persona.id.replace(":", "-")}@example.com`,
    country: persona.country,
    product: persona.product,
    followers: persona.followers,
    imageKey: random.hex(24),
  };
}

function rankedBy<T>(favourites: readonly Favourite<T>[], range: TimeRange): readonly T[] {
  return [...favourites]
    .sort((left, right) => right.affinity[range] - left.affinity[range])
    .slice(0, TOP_LIST_SIZE)
    .map((favourite) => favourite.item);
}

/**
 * Long-term affinity is the listener's settled taste; short-term mixes it with what they happen to play this
 * month, in proportion to their disloyalty. Disloyal listeners also have recent discoveries that barely
 * register long-term yet lead their short-term list.
 */
function artistAffinity(taste: Taste, random: Random): Affinity {
  const discovery = random.chance((1 - taste.loyalty) * 0.4);
  const longTerm = random.next() * (discovery ? 0.2 : 1);
  const thisMonth = discovery ? random.between(0.6, 1) : random.next();
  const shortTerm = taste.loyalty * longTerm + (1 - taste.loyalty) * thisMonth;
  return { long_term: longTerm, medium_term: (longTerm + shortTerm) / 2, short_term: shortTerm };
}

function chooseArtists(
  persona: Persona,
  taste: Taste,
  catalog: MusicCatalog,
  random: Random,
): CatalogArtist[] {
  const candidates: Weighted<CatalogArtist>[] = [];
  for (const { clusterId, weight } of taste.clusters) {
    for (const artist of catalog.artistsOf(genreCluster(clusterId))) {
      const distance = (artist.popularity - taste.popularity.target) / taste.popularity.spread;
      const popularityFit = Math.exp(-0.5 * distance * distance) + 0.002;
      const classification = artist.genres.length === 0 ? taste.unclassifiedAffinity : 1;
      candidates.push({ value: artist, weight: weight * popularityFit * classification });
    }
  }
  if (candidates.length === 0) throw new RangeError(`Persona "${persona.id}" has no genre clusters`);
  return random.sampleWeighted(candidates, taste.artistCount);
}

function chooseTracks(
  artist: Favourite<CatalogArtist>,
  taste: Taste,
  catalog: MusicCatalog,
  random: Random,
): Favourite<CatalogTrack>[] {
  const albums = catalog.albumsOf(artist.item);
  const albumWeights: Weighted<CatalogAlbum>[] = albums.map((album) => ({
    value: album,
    weight: 1 + (album.releaseYear >= LATEST_RELEASE_YEAR - 1 ? taste.newReleaseAffinity * 8 : 0),
  }));
  const count = Math.max(1, Math.round(taste.tracksPerArtist * (0.4 + artist.affinity.long_term)));
  const chosen = new Map<string, Favourite<CatalogTrack>>();
  for (let attempt = 0; attempt < count * 2 && chosen.size < count; attempt++) {
    const album = random.pickWeighted(albumWeights);
    // Listeners converge on an album's best-known tracks rather than spreading evenly over it.
    const position = 1 + Math.floor(album.totalTracks * random.next() ** 2);
    const track = catalog.track(album, position);
    if (chosen.has(track.id)) continue;
    // A track's standing drifts between time ranges only as much as the listener is disloyal.
    const settledWeight = random.between(0.5, 1);
    const recentWeight = taste.loyalty * settledWeight + (1 - taste.loyalty) * random.between(0.5, 1);
    const isNew = album.releaseYear >= LATEST_RELEASE_YEAR - 1;
    const longTerm = artist.affinity.long_term * settledWeight;
    const shortTerm = artist.affinity.short_term * recentWeight * (isNew ? 1 + taste.newReleaseAffinity : 1);
    chosen.set(track.id, {
      item: track,
      affinity: { long_term: longTerm, medium_term: (longTerm + shortTerm) / 2, short_term: shortTerm },
    });
  }
  return [...chosen.values()];
}

const EMPTY_TOP_LISTS = { short_term: [], medium_term: [], long_term: [] } as const;

/**
 * Builds a listener from a persona: which catalog artists they like, their favourite tracks, their top lists
 * per time range and what they have on rotation. Deterministic: the same persona always gives the same data.
 */
export function generateListener(persona: Persona, catalog: MusicCatalog): Listener {
  const profile = profileOf(persona);
  const { taste } = persona;
  if (!taste) {
    return {
      profile,
      topArtists: EMPTY_TOP_LISTS,
      topTracks: EMPTY_TOP_LISTS,
      rotation: [],
      playlistIds: [],
      dailyPlays: 0,
    };
  }
  const random = Random.fromKey(`listener:${persona.id}`);
  const artists: Favourite<CatalogArtist>[] = chooseArtists(persona, taste, catalog, random).map(
    (artist) => ({
      item: artist,
      affinity: artistAffinity(taste, random),
    }),
  );
  const tracks = artists.flatMap((artist) => chooseTracks(artist, taste, catalog, random));
  const rotation = [...tracks]
    .sort((left, right) => right.affinity.short_term - left.affinity.short_term)
    .slice(0, ROTATION_SIZE)
    .map((track) => ({ value: track.item, weight: 0.05 + track.affinity.short_term ** 2 }));
  return {
    profile,
    topArtists: {
      short_term: rankedBy(artists, "short_term"),
      medium_term: rankedBy(artists, "medium_term"),
      long_term: rankedBy(artists, "long_term"),
    },
    topTracks: {
      short_term: rankedBy(tracks, "short_term"),
      medium_term: rankedBy(tracks, "medium_term"),
      long_term: rankedBy(tracks, "long_term"),
    },
    rotation,
    playlistIds: Array.from({ length: random.integer(2, 6) }, () => random.spotifyId()),
    dailyPlays: taste.dailyPlays,
  };
}

import { FAMILY_COUNT, FAMILY_NAMES, genreFamilyOf } from "./rules-judge/genre-families.js";
import {
  type DecadeShare,
  type FamilyShare,
  type GenreShare,
  METRICS,
  type MetricName,
  type ProfileArtist,
  type ProfileTrack,
  type TasteProfile,
} from "./taste-profile.js";
import { type Artist, type ListeningData, TIME_RANGES, type Track } from "./types.js";

/** At most this many artists, tracks and genres are kept in the profile. */
export const PROFILE_LIST_SIZE = 10;

/**
 * `enoughData` is false when the listener has fewer than ENOUGH_ARTISTS distinct top artists AND fewer
 * than ENOUGH_TRACKS distinct top tracks AND fewer than ENOUGH_PLAYS recent plays: one of them is
 * enough for a verdict, a brand-new account has none.
 */
export const ENOUGH_ARTISTS = 3;
export const ENOUGH_TRACKS = 5;
export const ENOUGH_PLAYS = 5;

/** Scores closer than this are a tie: sums of the same weights in another order differ in the last bits. */
const SCORE_TOLERANCE = 1e-9;

/** Shares, scores and popularity figures are rounded to this many decimals so stored JSON stays tidy. */
export const PROFILE_DECIMALS = 4;

/**
 * Turns the listener's raw data into a taste profile. Pure: no I/O, no clock, no randomness; the same
 * data always gives the same profile. Every formula is documented on the method that computes it.
 *
 * Common definitions:
 * - rank weight: the item at 0-based position `r` of a top list weighs `1 / (1 + r)` (1, 1/2, 1/3 …).
 *   The three time ranges weigh the same, so an item in all three lists collects three rank weights.
 * - distinct tracks: the union, by id, of the three top-track lists and the recently played tracks
 *   (used for popularity, decades and explicit share; `counts.tracks` covers the top-track lists only).
 * - when an artist or track appears more than once, the most recent description wins: short_term, then
 *   medium_term, then long_term, then recent plays (newest first).
 * - a metric whose inputs are all absent is null and listed in `unavailableMetrics`; partial absence
 *   uses what is present.
 * - strings are compared by code point, never by locale, so ties break the same way on every machine.
 */
export class Profiler {
  profile(data: ListeningData): TasteProfile {
    const artistLists = TIME_RANGES.map((range) => data.topArtists[range] ?? []);
    const trackLists = TIME_RANGES.map((range) => data.topTracks[range] ?? []);
    const plays = data.recentlyPlayed ?? [];
    const distinctTracks = distinctById([...trackLists.flat(), ...plays.map((play) => play.track)]);

    const counts = {
      artists: distinctById(artistLists.flat()).length,
      tracks: distinctById(trackLists.flat()).length,
      recentPlays: plays.length,
      recentArtists: new Set(plays.flatMap((play) => play.track.artists.map((artist) => artist.id))).size,
    };

    const genreWeights = this.genreWeights(artistLists);
    const averagePopularity = this.averagePopularity(distinctById(artistLists.flat()), distinctTracks);
    const weightedPopularity = this.weightedPopularity(artistLists, trackLists);
    const metrics: Pick<TasteProfile, MetricName> = {
      topGenres: this.topGenres(genreWeights),
      genreFamilies: this.genreFamilies(genreWeights),
      averagePopularity,
      weightedPopularity,
      obscurity: this.obscurity(weightedPopularity, averagePopularity),
      artistLoyalty: this.artistLoyalty(data),
      genreDiversity: this.genreDiversity(genreWeights),
      decades: this.decades(distinctTracks),
      explicitShare: this.explicitShare(distinctTracks),
    };

    return {
      version: 1,
      counts,
      topArtists: this.topArtists(artistLists, trackLists),
      topTracks: this.topTracks(trackLists),
      ...metrics,
      missingSources: [...data.missingSources],
      unavailableMetrics: METRICS.filter((metric) => metrics[metric] === null),
      enoughData:
        counts.artists >= ENOUGH_ARTISTS ||
        counts.tracks >= ENOUGH_TRACKS ||
        counts.recentPlays >= ENOUGH_PLAYS,
    };
  }

  /**
   * Combined artist ranking: score = Σ over the time ranges of the artist's rank weight in that range's
   * top-artist list (a rank-weighted Borda count, every range weighing 1). Ties go to the better best
   * rank in any list, then to the name, then to the id. When no top-artist list has any artist (those
   * sources failed), the artists credited on the top tracks are ranked the same way from the tracks'
   * ranks, with no genres or popularity (Spotify sends none for track credits).
   */
  topArtists(
    artistLists: readonly (readonly Artist[])[],
    trackLists: readonly (readonly Track[])[],
  ): ProfileArtist[] {
    if (artistLists.some((list) => list.length > 0)) {
      return rankByBorda(
        artistLists.map(byPosition),
        (artist) => artist.id,
        (artist) => artist.name,
      ).map((artist) => ({
        id: artist.id,
        name: artist.name,
        genres: artist.genres ?? [],
        popularity: artist.popularity,
        imageUrl: artist.imageUrl,
      }));
    }
    const creditLists = trackLists.map((tracks) =>
      tracks.flatMap((track, rank) => track.artists.map((credit) => ({ item: credit, rank }))),
    );
    return rankByBorda(
      creditLists,
      (credit) => credit.id,
      (credit) => credit.name,
    ).map((credit) => ({
      id: credit.id,
      name: credit.name,
      genres: [],
      popularity: null,
      imageUrl: null,
    }));
  }

  /** Combined track ranking: the same rank-weighted Borda count as `topArtists`, over the top-track lists. */
  topTracks(trackLists: readonly (readonly Track[])[]): ProfileTrack[] {
    return rankByBorda(
      trackLists.map(byPosition),
      (track) => track.id,
      (track) => track.name,
    ).map((track) => ({
      id: track.id,
      name: track.name,
      artists: track.artists.map((artist) => artist.name),
      releaseYear: releaseYear(track.album.releaseDate),
    }));
  }

  /**
   * Genre weights: each top artist spreads its rank weight evenly over its distinct genres (genre names
   * trimmed and lower-cased, so "Prog rock" and "prog rock" are one genre), summed over the three ranges.
   * Artists without genres contribute nothing.
   */
  genreWeights(artistLists: readonly (readonly Artist[])[]): Map<string, number> {
    const weights = new Map<string, number>();
    for (const list of artistLists) {
      list.forEach((artist, rank) => {
        const genres = [...new Set((artist.genres ?? []).map((genre) => genre.trim().toLowerCase()))].filter(
          (genre) => genre.length > 0,
        );
        for (const genre of genres) {
          weights.set(genre, (weights.get(genre) ?? 0) + rankWeight(rank) / genres.length);
        }
      });
    }
    return weights;
  }

  /**
   * topGenres: share = genre weight / total weight of ALL genres (so the full list sums to 1), sorted by
   * share descending then name, the first 10 returned. Null when no artist has a genre.
   */
  topGenres(genreWeights: ReadonlyMap<string, number>): GenreShare[] | null {
    const shares = genreShares(genreWeights);
    if (shares.length === 0) return null;
    return shares.slice(0, PROFILE_LIST_SIZE).map(({ genre, share }) => ({ genre, share: round(share) }));
  }

  /**
   * genreDiversity: how many genre families the listening spreads over, as the Shannon entropy of the
   * family shares q_f (each genre's weight goes to its family, genreFamilyOf) normalised by the number of
   * families K (FAMILY_COUNT): diversity = −Σ q_f·ln q_f / ln K. 0 when every genre is in one family
   * (however many sub-genres), 1 when the listening is spread evenly over every family; 0.28 for an even
   * split over two families, 0.56 over four. Null without genres. Over genres rather than families
   * nearly every listener scored 0.84–0.97, since sub-genres multiply within a family.
   */
  genreDiversity(genreWeights: ReadonlyMap<string, number>): number | null {
    const families = familyShares(genreWeights);
    if (families.length === 0) return null;
    return round(
      entropyOver(
        families.map((entry) => entry.share),
        FAMILY_COUNT,
      ),
    );
  }

  /**
   * genreFamilies: each genre's share goes to its family (genreFamilyOf); every family with a share,
   * largest first, ties in the families' matching order. Null without genres.
   */
  genreFamilies(genreWeights: ReadonlyMap<string, number>): FamilyShare[] | null {
    const families = familyShares(genreWeights);
    return families.length === 0
      ? null
      : families.map(({ family, share }) => ({ family, share: round(share) }));
  }

  /**
   * averagePopularity: the plain mean of every present popularity (0..100) of the distinct top artists
   * and the distinct tracks. Null when no artist or track has a popularity (development mode).
   */
  averagePopularity(artists: readonly Artist[], tracks: readonly Track[]): number | null {
    const values = [...artists, ...tracks].flatMap((item) =>
      item.popularity === null ? [] : [item.popularity],
    );
    if (values.length === 0) return null;
    return round(values.reduce((sum, value) => sum + value, 0) / values.length);
  }

  /**
   * weightedPopularity: Σ w·popularity / Σ w over every entry of the six top lists (artists and tracks,
   * each range separately) that has a popularity, with w its rank weight, so the listener's favourites
   * count most. Null when no ranked item has a popularity.
   */
  weightedPopularity(
    artistLists: readonly (readonly Artist[])[],
    trackLists: readonly (readonly Track[])[],
  ): number | null {
    let weighted = 0;
    let totalWeight = 0;
    for (const list of [...artistLists, ...trackLists]) {
      list.forEach((item, rank) => {
        if (item.popularity === null) return;
        weighted += rankWeight(rank) * item.popularity;
        totalWeight += rankWeight(rank);
      });
    }
    return totalWeight === 0 ? null : round(weighted / totalWeight);
  }

  /**
   * obscurity = 1 − weightedPopularity / 100, falling back to averagePopularity when only unranked
   * tracks (recent plays) carry a popularity. Null when neither is available.
   */
  obscurity(weightedPopularity: number | null, averagePopularity: number | null): number | null {
    const popularity = weightedPopularity ?? averagePopularity;
    return popularity === null ? null : round(1 - popularity / 100);
  }

  /**
   * artistLoyalty = |S ∩ L| / min(|S|, |L|), with S and L the artist ids of the short_term and long_term
   * top-artist lists: 1 when the smaller list sits entirely inside the other. Null when either list is
   * missing or empty.
   */
  artistLoyalty(data: ListeningData): number | null {
    const shortTerm = new Set((data.topArtists.short_term ?? []).map((artist) => artist.id));
    const longTerm = new Set((data.topArtists.long_term ?? []).map((artist) => artist.id));
    if (shortTerm.size === 0 || longTerm.size === 0) return null;
    const shared = [...shortTerm].filter((id) => longTerm.has(id)).length;
    return round(shared / Math.min(shortTerm.size, longTerm.size));
  }

  /**
   * decades: each distinct track with a readable release year counts once for its decade
   * (⌊year / 10⌋ · 10); share = tracks in the decade / tracks with a year, oldest decade first. The year
   * is the leading four digits of the album's release date whatever its precision ("1981", "1981-12",
   * "1981-12-15"); dates without one, and Spotify's "0000" placeholder (years before 1000), are skipped.
   * Null when no track has a year.
   */
  decades(tracks: readonly Track[]): DecadeShare[] | null {
    const counts = new Map<number, number>();
    let dated = 0;
    for (const track of tracks) {
      const year = releaseYear(track.album.releaseDate);
      if (year === null) continue;
      const decade = Math.floor(year / 10) * 10;
      counts.set(decade, (counts.get(decade) ?? 0) + 1);
      dated++;
    }
    if (dated === 0) return null;
    return [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([decade, count]) => ({ decade, share: round(count / dated) }));
  }

  /**
   * explicitShare = distinct tracks with explicit === true / distinct tracks whose explicit flag is
   * known. Null when no track has the flag.
   */
  explicitShare(tracks: readonly Track[]): number | null {
    const known = tracks.filter((track) => track.explicit !== null);
    if (known.length === 0) return null;
    return round(known.filter((track) => track.explicit === true).length / known.length);
  }
}

/** The rank weight of the item at 0-based position `rank` of a top list. */
export function rankWeight(rank: number): number {
  return 1 / (1 + rank);
}

/** The leading four-digit year of a Spotify release date, or null when there is none (or it is before 1000). */
export function releaseYear(releaseDate: string | null): number | null {
  const match = releaseDate === null ? null : /^(\d{4})(?!\d)/.exec(releaseDate.trim());
  if (!match?.[1]) return null;
  const year = Number(match[1]);
  return year >= 1000 ? year : null;
}

/** −Σ p·ln p / ln categories: the entropy of shares summing to 1 over a fixed number of categories. */
export function entropyOver(shares: readonly number[], categories: number): number {
  const positive = shares.filter((share) => share > 0);
  if (positive.length <= 1 || categories <= 1) return 0;
  return Math.min(
    1,
    -positive.reduce((sum, share) => sum + share * Math.log(share), 0) / Math.log(categories),
  );
}

/** H / ln k of a distribution given as shares summing to 1; 0 for a single category. */
export function normalisedEntropy(shares: readonly number[]): number {
  const positive = shares.filter((share) => share > 0);
  if (positive.length <= 1) return 0;
  const entropy = -positive.reduce((sum, share) => sum + share * Math.log(share), 0);
  return entropy / Math.log(positive.length);
}

function round(value: number, decimals = PROFILE_DECIMALS): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Unrounded shares of every genre, by share descending then name. */
function genreShares(genreWeights: ReadonlyMap<string, number>): { genre: string; share: number }[] {
  const total = [...genreWeights.values()].reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return [];
  return [...genreWeights.entries()]
    .map(([genre, weight]) => ({ genre, share: weight / total }))
    .sort((a, b) => {
      const shareDifference = b.share - a.share;
      return Math.abs(shareDifference) > SCORE_TOLERANCE ? shareDifference : compareText(a.genre, b.genre);
    });
}

/** Unrounded shares of every genre family with a share, largest first, ties in matching order. */
function familyShares(genreWeights: ReadonlyMap<string, number>): FamilyShare[] {
  const totals = new Map<FamilyShare["family"], number>();
  for (const { genre, share } of genreShares(genreWeights)) {
    const family = genreFamilyOf(genre);
    totals.set(family, (totals.get(family) ?? 0) + share);
  }
  return FAMILY_NAMES.flatMap((family) => {
    const share = totals.get(family);
    return share === undefined ? [] : [{ family, share }];
  }).sort((a, b) => (Math.abs(b.share - a.share) > SCORE_TOLERANCE ? b.share - a.share : 0));
}

/** Keeps the first occurrence of every id, in order. */
function distinctById<Item extends { readonly id: string }>(items: readonly Item[]): Item[] {
  const seen = new Map<string, Item>();
  for (const item of items) if (!seen.has(item.id)) seen.set(item.id, item);
  return [...seen.values()];
}

/** An item of a top list with its 0-based rank. */
interface Ranked<Item> {
  readonly item: Item;
  readonly rank: number;
}

function byPosition<Item>(list: readonly Item[]): Ranked<Item>[] {
  return list.map((item, rank) => ({ item, rank }));
}

/**
 * Rank-weighted Borda count over several ranked lists: score = Σ rankWeight(rank) over the lists an
 * item appears in (its best rank when a list repeats it). Best first, at most PROFILE_LIST_SIZE; ties
 * by best rank in any list, then name, then id. The kept item is its first occurrence in list order
 * (the most recent time range).
 */
function rankByBorda<Item>(
  lists: readonly (readonly Ranked<Item>[])[],
  idOf: (item: Item) => string,
  nameOf: (item: Item) => string,
): Item[] {
  const entries = new Map<string, { item: Item; score: number; bestRank: number }>();
  for (const list of lists) {
    const seenInList = new Set<string>();
    for (const { item, rank } of [...list].sort((a, b) => a.rank - b.rank)) {
      const id = idOf(item);
      if (seenInList.has(id)) continue;
      seenInList.add(id);
      const entry = entries.get(id);
      if (entry) {
        entry.score += rankWeight(rank);
        entry.bestRank = Math.min(entry.bestRank, rank);
      } else {
        entries.set(id, { item, score: rankWeight(rank), bestRank: rank });
      }
    }
  }
  return [...entries.entries()]
    .sort(([idA, a], [idB, b]) => {
      const scoreDifference = b.score - a.score;
      if (Math.abs(scoreDifference) > SCORE_TOLERANCE) return scoreDifference;
      return a.bestRank - b.bestRank || compareText(nameOf(a.item), nameOf(b.item)) || compareText(idA, idB);
    })
    .slice(0, PROFILE_LIST_SIZE)
    .map(([, entry]) => entry.item);
}

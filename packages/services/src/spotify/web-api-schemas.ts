import { z } from "zod";
import type { Album, Artist, ArtistReference, Play, ReleaseDatePrecision, Track } from "../analysis/types.js";

/**
 * Zod schemas for the Spotify Web API responses the service reads, each transforming Spotify's
 * snake_case wire format into the camelCase types of `analysis/types.ts`.
 *
 * Strict on what the pipeline relies on: ids, names and `items` arrays must be present and well typed.
 * Lenient on what Spotify withholds from development-mode apps (Feb 2026 changelog): popularity,
 * followers, genres, email, country, product and available_markets may be absent, images may be empty
 * and display_name may be null. An absent field becomes `null`, never a made-up default. Fields the
 * service does not read are not declared, so unknown or extra fields are ignored (zod strips them).
 */

const RELEASE_DATE_PRECISIONS = ["year", "month", "day"] as const satisfies readonly ReleaseDatePrecision[];

const ImageObject = z.object({
  url: z.string(),
  width: z.number().nullish(),
  height: z.number().nullish(),
});

/** The first and largest image (Spotify lists images widest first), or null when there is none. */
const ImageList = z
  .array(ImageObject)
  .nullish()
  .transform((images): string | null => {
    if (!images || images.length === 0) return null;
    let largest = images[0]!;
    for (const image of images) {
      if ((image.width ?? 0) * (image.height ?? 0) > (largest.width ?? 0) * (largest.height ?? 0))
        largest = image;
    }
    return largest.url;
  });

export const ArtistObject = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    genres: z.array(z.string()).nullish(),
    popularity: z.number().nullish(),
    followers: z.object({ total: z.number().nullish() }).nullish(),
    images: ImageList,
  })
  .transform(
    (artist): Artist => ({
      id: artist.id,
      name: artist.name,
      genres: artist.genres ?? null,
      popularity: artist.popularity ?? null,
      followers: artist.followers?.total ?? null,
      imageUrl: artist.images,
    }),
  );

const SimplifiedArtistObject = z
  .object({ id: z.string().min(1), name: z.string() })
  .transform((artist): ArtistReference => ({ id: artist.id, name: artist.name }));

const SimplifiedAlbumObject = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    release_date: z.string().nullish(),
    // An unknown precision is treated like an absent one rather than failing the whole page.
    release_date_precision: z.enum(RELEASE_DATE_PRECISIONS).nullish().catch(null),
    images: ImageList,
  })
  .transform(
    (album): Album => ({
      id: album.id,
      name: album.name,
      releaseDate: album.release_date ?? null,
      releaseDatePrecision: album.release_date_precision ?? null,
      imageUrl: album.images,
    }),
  );

export const TrackObject = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    popularity: z.number().nullish(),
    explicit: z.boolean().nullish(),
    duration_ms: z.number().nullish(),
    artists: z.array(SimplifiedArtistObject),
    album: SimplifiedAlbumObject,
  })
  .transform(
    (track): Track => ({
      id: track.id,
      name: track.name,
      popularity: track.popularity ?? null,
      explicit: track.explicit ?? null,
      durationMs: track.duration_ms ?? null,
      artists: track.artists,
      album: track.album,
    }),
  );

/**
 * Local files (`is_local: true`) have no Spotify id, album or popularity; they are not part of the
 * catalogue a taste profile describes, so they are dropped before validation instead of failing the page.
 */
function withoutLocalFiles(items: unknown, trackOf: (item: Record<string, unknown>) => unknown): unknown {
  if (!Array.isArray(items)) return items;
  return items.filter((item: unknown) => {
    if (typeof item !== "object" || item === null) return true;
    const track = trackOf(item as Record<string, unknown>);
    return !(
      typeof track === "object" &&
      track !== null &&
      (track as { is_local?: unknown }).is_local === true
    );
  });
}

function pagingObject<Item extends z.ZodType>(item: Item) {
  return z
    .object({
      items: z.preprocess((items) => withoutLocalFiles(items, (entry) => entry), z.array(item)),
      total: z.number().int().nonnegative(),
      next: z.string().nullish(),
      limit: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
    })
    .transform((page) => ({
      items: page.items,
      total: page.total,
      next: page.next ?? null,
      limit: page.limit,
      offset: page.offset,
    }));
}

/** GET /v1/me/top/artists (PagingArtistObject). */
export const TopArtistsPage = pagingObject(ArtistObject);
export type TopArtistsPage = z.output<typeof TopArtistsPage>;

/** GET /v1/me/top/tracks (PagingTrackObject). */
export const TopTracksPage = pagingObject(TrackObject);
export type TopTracksPage = z.output<typeof TopTracksPage>;

const PlayHistoryObject = z
  .object({
    track: TrackObject,
    played_at: z.iso.datetime({ offset: true }),
  })
  .transform((entry): Play => ({ track: entry.track, playedAt: new Date(entry.played_at) }));

/**
 * GET /v1/me/player/recently-played (CursorPagingPlayHistoryObject). `next` and `cursors` may be null
 * (or absent) on an empty page.
 */
export const RecentlyPlayedPage = z
  .object({
    items: z.preprocess(
      (items) => withoutLocalFiles(items, (entry) => entry.track),
      z.array(PlayHistoryObject),
    ),
    next: z.string().nullish(),
    cursors: z.object({ after: z.string().nullish(), before: z.string().nullish() }).nullish(),
  })
  .transform((page) => ({
    items: page.items,
    next: page.next ?? null,
    cursors: page.cursors ? { after: page.cursors.after ?? null, before: page.cursors.before ?? null } : null,
  }));
export type RecentlyPlayedPage = z.output<typeof RecentlyPlayedPage>;

/**
 * GET /v1/me (PrivateUserObject). `accountId` is Spotify's immutable account id (May 2026), preferred for
 * account linking; email, country and product are absent for development-mode apps.
 */
export const SpotifyProfile = z
  .object({
    id: z.string().min(1),
    account_id: z.string().min(1).nullish(),
    display_name: z.string().nullish(),
    email: z.string().nullish(),
    country: z.string().nullish(),
    product: z.string().nullish(),
    images: ImageList,
  })
  .transform((user) => ({
    id: user.id,
    accountId: user.account_id ?? null,
    displayName: user.display_name ?? null,
    email: user.email ?? null,
    country: user.country ?? null,
    product: user.product ?? null,
    imageUrl: user.images,
  }));
export type SpotifyProfile = z.output<typeof SpotifyProfile>;

import type { ListenerProfile } from "../catalog/generator.js";
import type { Play, PlayContext } from "../catalog/listening-history.js";
import type {
  CatalogAlbum,
  CatalogArtist,
  CatalogTrack,
  ReleaseDatePrecision,
} from "../catalog/music-catalog.js";

/**
 * Spotify Web API objects as they appear on the wire: field names, nesting and key order of the spec's
 * schemas (reference shapes in test/fixtures/spotify-shapes). Development mode leaves out exactly the
 * fields the February 2026 changelog removed for development-mode apps; artist `genres` and track
 * `preview_url` stay.
 */

export interface WireOptions {
  /** Absolute base of the Web API as the client reached it, e.g. http://127.0.0.1:40123/api. */
  readonly apiBaseUrl: string;
  readonly developmentMode: boolean;
}

export interface ExternalUrls {
  spotify: string;
}

export interface ImageObject {
  url: string;
  height: number;
  width: number;
}

export interface FollowersObject {
  href: null;
  total: number;
}

export interface SimplifiedArtistObject {
  external_urls: ExternalUrls;
  href: string;
  id: string;
  name: string;
  type: "artist";
  uri: string;
}

export interface ArtistObject {
  external_urls: ExternalUrls;
  followers?: FollowersObject;
  genres: string[];
  href: string;
  id: string;
  images: ImageObject[];
  name: string;
  popularity?: number;
  type: "artist";
  uri: string;
}

export interface SimplifiedAlbumObject {
  album_type: CatalogAlbum["albumType"];
  total_tracks: number;
  available_markets?: string[];
  external_urls: ExternalUrls;
  href: string;
  id: string;
  images: ImageObject[];
  name: string;
  release_date: string;
  release_date_precision: ReleaseDatePrecision;
  type: "album";
  uri: string;
  artists: SimplifiedArtistObject[];
}

export interface TrackObject {
  album: SimplifiedAlbumObject;
  artists: SimplifiedArtistObject[];
  available_markets?: string[];
  disc_number: number;
  duration_ms: number;
  explicit: boolean;
  external_ids: { isrc: string };
  external_urls: ExternalUrls;
  href: string;
  id: string;
  name: string;
  popularity?: number;
  preview_url: null;
  track_number: number;
  type: "track";
  uri: string;
  is_local: false;
}

export interface ContextObject {
  type: PlayContext["type"];
  href: string;
  external_urls: ExternalUrls;
  uri: string;
}

export interface PlayHistoryObject {
  track: TrackObject;
  played_at: string;
  context: ContextObject | null;
}

export interface PrivateUserObject {
  account_id: string;
  country?: string;
  display_name: string;
  email?: string;
  explicit_content?: { filter_enabled: boolean; filter_locked: boolean };
  external_urls: ExternalUrls;
  followers?: FollowersObject;
  href: string;
  id: string;
  images: ImageObject[];
  product?: string;
  type: "user";
  uri: string;
}

const OPEN_SPOTIFY = "https://open.spotify.com";
const IMAGE_CDN = "https://i.scdn.co/image/";

/** Spotify's image file names start with a type-and-size prefix, then a content hash. */
const ARTIST_IMAGE_SIZES = [
  { prefix: "ab6761610000e5eb", size: 640 },
  { prefix: "ab67616100005174", size: 320 },
  { prefix: "ab6761610000f178", size: 160 },
] as const;
const ALBUM_IMAGE_SIZES = [
  { prefix: "ab67616d0000b273", size: 640 },
  { prefix: "ab67616d00001e02", size: 300 },
  { prefix: "ab67616d00004851", size: 64 },
] as const;
const USER_IMAGE = { prefix: "ab6775700000ee85", size: 300 } as const;

function images(sizes: readonly { prefix: string; size: number }[], key: string): ImageObject[] {
  return sizes.map(({ prefix, size }) => ({ url: `${IMAGE_CDN}${prefix}${key}`, height: size, width: size }));
}

type LinkedKind = "artist" | "album" | "track" | "playlist" | "user";

function links(kind: LinkedKind, id: string, options: WireOptions) {
  return {
    external_urls: { spotify: `${OPEN_SPOTIFY}/${kind}/${id}` },
    href: `${options.apiBaseUrl}/v1/${kind}s/${id}`,
    uri: `spotify:${kind}:${id}`,
  };
}

export function simplifiedArtistObject(artist: CatalogArtist, options: WireOptions): SimplifiedArtistObject {
  const { external_urls, href, uri } = links("artist", artist.id, options);
  return { external_urls, href, id: artist.id, name: artist.name, type: "artist", uri };
}

export function artistObject(artist: CatalogArtist, options: WireOptions): ArtistObject {
  const { external_urls, href, uri } = links("artist", artist.id, options);
  return {
    external_urls,
    ...(options.developmentMode ? {} : { followers: { href: null, total: artist.followers } }),
    genres: [...artist.genres],
    href,
    id: artist.id,
    images: images(ARTIST_IMAGE_SIZES, artist.imageKey),
    name: artist.name,
    ...(options.developmentMode ? {} : { popularity: artist.popularity }),
    type: "artist",
    uri,
  };
}

function simplifiedAlbumObject(album: CatalogAlbum, options: WireOptions): SimplifiedAlbumObject {
  const { external_urls, href, uri } = links("album", album.id, options);
  return {
    album_type: album.albumType,
    total_tracks: album.totalTracks,
    ...(options.developmentMode ? {} : { available_markets: [...album.markets] }),
    external_urls,
    href,
    id: album.id,
    images: images(ALBUM_IMAGE_SIZES, album.imageKey),
    name: album.name,
    release_date: album.releaseDate,
    release_date_precision: album.releaseDatePrecision,
    type: "album",
    uri,
    artists: [simplifiedArtistObject(album.artist, options)],
  };
}

export function trackObject(track: CatalogTrack, options: WireOptions): TrackObject {
  const { external_urls, href, uri } = links("track", track.id, options);
  return {
    album: simplifiedAlbumObject(track.album, options),
    artists: track.artists.map((artist) => simplifiedArtistObject(artist, options)),
    ...(options.developmentMode ? {} : { available_markets: [...track.album.markets] }),
    disc_number: track.discNumber,
    duration_ms: track.durationMs,
    explicit: track.explicit,
    external_ids: { isrc: track.isrc },
    external_urls,
    href,
    id: track.id,
    name: track.name,
    ...(options.developmentMode ? {} : { popularity: track.popularity }),
    // Spotify stopped serving previews to new apps in November 2024; the field is still there, null.
    preview_url: null,
    track_number: track.trackNumber,
    type: "track",
    uri,
    is_local: false,
  };
}

export function playHistoryObject(play: Play, options: WireOptions): PlayHistoryObject {
  let context: ContextObject | null = null;
  if (play.context) {
    const { external_urls, href, uri } = links(play.context.type, play.context.id, options);
    context = { type: play.context.type, href, external_urls, uri };
  }
  return {
    track: trackObject(play.track, options),
    played_at: new Date(play.playedAt).toISOString(),
    context,
  };
}

/**
 * GET /v1/me. Email needs the user-read-email scope; country, product and explicit_content need
 * user-read-private. Development mode drops all of them and followers.
 */
export function privateUserObject(
  profile: ListenerProfile,
  scopes: ReadonlySet<string>,
  options: WireOptions,
): PrivateUserObject {
  const { external_urls, href, uri } = links("user", profile.userId, options);
  const full = !options.developmentMode;
  const canReadPrivate = full && scopes.has("user-read-private");
  const canReadEmail = full && scopes.has("user-read-email");
  return {
    account_id: profile.accountId,
    ...(canReadPrivate ? { country: profile.country } : {}),
    display_name: profile.displayName,
    ...(canReadEmail ? { email: profile.email } : {}),
    ...(canReadPrivate ? { explicit_content: { filter_enabled: false, filter_locked: false } } : {}),
    external_urls,
    ...(full ? { followers: { href: null, total: profile.followers } } : {}),
    href,
    id: profile.userId,
    images: [
      {
        url: `${IMAGE_CDN}${USER_IMAGE.prefix}${profile.imageKey}`,
        height: USER_IMAGE.size,
        width: USER_IMAGE.size,
      },
    ],
    ...(canReadPrivate ? { product: profile.product } : {}),
    type: "user",
    uri,
  };
}

import {
  type ArtistObject,
  artistObject,
  type PlayHistoryObject,
  playHistoryObject,
  type TrackObject,
  trackObject,
} from "../http/spotify-objects.js";
import { TIME_RANGES, type TimeRange, TOP_LIST_SIZE } from "./generator.js";
import { ListenerDirectory } from "./listeners.js";
import { recentPlays } from "./listening-history.js";
import { NAMED_PERSONAS } from "./personas.js";

/** What the Web API would answer a listener's seven reads with, as Spotify's wire objects. */
export interface ListeningSnapshot {
  readonly personaId: string;
  readonly displayName: string;
  readonly topArtists: Readonly<Record<TimeRange, readonly ArtistObject[]>>;
  readonly topTracks: Readonly<Record<TimeRange, readonly TrackObject[]>>;
  readonly recentlyPlayed: readonly PlayHistoryObject[];
}

/** The named personas' ids, in the catalog's order. */
export const NAMED_PERSONA_IDS: readonly string[] = NAMED_PERSONAS.map((persona) => persona.id);

const directory = new ListenerDirectory();

/**
 * A listener's top lists (first page, 50 items) and recent plays up to `nowMs`, without HTTP: the same
 * objects the sandbox's Web API serves, for evaluations that judge hundreds of listeners. Undefined for
 * an unknown persona id.
 */
export function listeningSnapshot(
  personaId: string,
  options: { readonly nowMs: number; readonly developmentMode?: boolean },
): ListeningSnapshot | undefined {
  const listener = directory.find(personaId);
  if (!listener) return undefined;
  const wire = {
    apiBaseUrl: "http://sandbox.invalid/api",
    developmentMode: options.developmentMode ?? false,
  };
  const byRange = <Item, Wire>(
    lists: Readonly<Record<TimeRange, readonly Item[]>>,
    toWire: (item: Item) => Wire,
  ) =>
    Object.fromEntries(
      TIME_RANGES.map((range) => [range, lists[range].slice(0, TOP_LIST_SIZE).map(toWire)]),
    ) as Record<TimeRange, Wire[]>;
  return {
    personaId,
    displayName: listener.profile.displayName,
    topArtists: byRange(listener.topArtists, (artist) => artistObject(artist, wire)),
    topTracks: byRange(listener.topTracks, (track) => trackObject(track, wire)),
    recentlyPlayed: recentPlays(listener, options.nowMs).map((play) => playHistoryObject(play, wire)),
  };
}

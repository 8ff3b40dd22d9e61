import type { Listener } from "./generator.js";
import type { CatalogTrack } from "./music-catalog.js";
import { Random } from "./random.js";

export type PlayContextType = "album" | "artist" | "playlist";

export interface PlayContext {
  readonly type: PlayContextType;
  readonly id: string;
}

export interface Play {
  readonly track: CatalogTrack;
  /** Unix ms. */
  readonly playedAt: number;
  readonly context: PlayContext | null;
}

/** Spotify only serves the 50 most recent plays. */
export const RECENT_PLAYS_LIMIT = 50;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Bounds the search for plays of a listener who barely listens. */
const LOOKBACK_DAYS = 60;
/** Relative chance that a listening session starts in each hour of the (UTC) day: evenings, then commutes. */
const SESSION_START_BY_HOUR = [
  1, 0.5, 0.3, 0.2, 0.2, 0.3, 1, 2, 3, 3, 2.5, 2.5, 3, 2.5, 2.5, 3, 3.5, 4, 4.5, 5, 5, 4.5, 3.5, 2,
];
const SESSION_START_WEIGHTS = SESSION_START_BY_HOUR.map((weight, hour) => ({ value: hour, weight }));

function sessionContextType(random: Random): PlayContextType | null {
  return random.pickWeighted<PlayContextType | null>([
    { value: "album", weight: 4 },
    { value: "playlist", weight: 3.5 },
    { value: "artist", weight: 1 },
    { value: null, weight: 1.5 },
  ]);
}

function contextFor(
  type: PlayContextType | null,
  track: CatalogTrack,
  playlistId: string,
): PlayContext | null {
  if (type === "album") return { type, id: track.album.id };
  if (type === "artist") return { type, id: track.artists[0]?.id ?? track.album.artist.id };
  if (type === "playlist") return { type, id: playlistId };
  return null;
}

/**
 * One UTC day of listening, oldest first. Plays sit on an absolute timeline derived from the day number, so
 * the history is the same in every process and moves forward with the clock like a real listener's: a
 * client polling with `after` sees new plays appear, and `before` cursors stay valid.
 */
function playsOnDay(listener: Listener, day: number): Play[] {
  const random = Random.fromKey(`plays:${listener.profile.personaId}:${day}`);
  if (listener.rotation.length === 0 || random.chance(0.08)) return [];
  let remaining = Math.round(listener.dailyPlays * random.between(0.4, 1.6));
  const sessionSizes: number[] = [];
  while (remaining > 0) {
    const size = Math.min(remaining, random.integer(4, 18));
    sessionSizes.push(size);
    remaining -= size;
  }
  const dayStart = day * DAY_MS;
  const dayEnd = dayStart + DAY_MS;
  const sessionStarts = sessionSizes
    .map(
      () => dayStart + random.pickWeighted(SESSION_START_WEIGHTS) * HOUR_MS + random.integer(0, HOUR_MS - 1),
    )
    .sort((left, right) => left - right);
  const plays: Play[] = [];
  let clock = dayStart;
  for (const [index, size] of sessionSizes.entries()) {
    clock = Math.max(sessionStarts[index] ?? clock, clock + random.integer(MINUTE_MS, 20 * MINUTE_MS));
    const contextType = sessionContextType(random);
    const playlistId = random.pick(listener.playlistIds);
    for (let played = 0; played < size; played++) {
      const track = random.pickWeighted(listener.rotation);
      // Spotify records a play when the track ends; some get skipped part-way.
      const listenedMs = random.chance(0.15)
        ? Math.round(track.durationMs * random.between(0.2, 0.7))
        : track.durationMs;
      clock += listenedMs + random.integer(0, 2_000);
      if (clock >= dayEnd) return plays;
      plays.push({ track, playedAt: clock, context: contextFor(contextType, track, playlistId) });
    }
  }
  return plays;
}

/** The listener's most recent plays up to `nowMs`, newest first (at most RECENT_PLAYS_LIMIT). */
export function recentPlays(listener: Listener, nowMs: number): Play[] {
  const recent: Play[] = [];
  if (listener.rotation.length === 0) return recent;
  const today = Math.floor(nowMs / DAY_MS);
  for (let day = today; day > today - LOOKBACK_DAYS && recent.length < RECENT_PLAYS_LIMIT; day--) {
    const plays = playsOnDay(listener, day);
    for (let index = plays.length - 1; index >= 0 && recent.length < RECENT_PLAYS_LIMIT; index--) {
      const play = plays[index]!;
      if (play.playedAt <= nowMs) recent.push(play);
    }
  }
  return recent;
}

import { listeningSnapshot, NAMED_PERSONA_IDS } from "@unwrapped/spotify-sandbox";
import { z } from "zod";
import type { ListeningData } from "../analysis/types.js";
import { ArtistObject, RecentlyPlayedPage, TrackObject } from "../spotify/web-api-schemas.js";

/** A sandbox listener's listening, parsed exactly as the collector parses Spotify's answers. */
export interface SandboxListener {
  readonly personaId: string;
  readonly displayName: string;
  readonly data: ListeningData;
}

/** A fixed instant, so every run reads the same recent plays: 2026-06-01T12:00:00Z. */
export const EVALUATION_INSTANT_MS = Date.UTC(2026, 5, 1, 12);

const Artists = z.array(ArtistObject);
const Tracks = z.array(TrackObject);

/** The listener behind a persona id (a named persona or `seed:<n>`), read without HTTP. */
export function sandboxListener(
  personaId: string,
  options: { nowMs?: number; developmentMode?: boolean } = {},
): SandboxListener {
  const snapshot = listeningSnapshot(personaId, {
    nowMs: options.nowMs ?? EVALUATION_INSTANT_MS,
    developmentMode: options.developmentMode ?? false,
  });
  if (!snapshot) throw new Error(`no sandbox persona "${personaId}"`);
  return {
    personaId,
    displayName: snapshot.displayName,
    data: {
      topArtists: {
        short_term: Artists.parse(snapshot.topArtists.short_term),
        medium_term: Artists.parse(snapshot.topArtists.medium_term),
        long_term: Artists.parse(snapshot.topArtists.long_term),
      },
      topTracks: {
        short_term: Tracks.parse(snapshot.topTracks.short_term),
        medium_term: Tracks.parse(snapshot.topTracks.medium_term),
        long_term: Tracks.parse(snapshot.topTracks.long_term),
      },
      recentlyPlayed: RecentlyPlayedPage.parse({ items: snapshot.recentlyPlayed }).items,
      missingSources: [],
    },
  };
}

/** The named personas and `seed:1` … `seed:<seeds>`: the listeners `pnpm eval:verdicts` judges. */
export function evaluationPersonaIds(seeds: number, firstSeed = 1): string[] {
  return [...NAMED_PERSONA_IDS, ...Array.from({ length: seeds }, (_, index) => `seed:${firstSeed + index}`)];
}

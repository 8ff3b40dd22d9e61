import type { z } from "zod";
import type { Artist, Play, TimeRange, Track } from "../analysis/types.js";
import { defaultHttpDependencies, type HttpDependencies, type RetryPolicy } from "../http/retry.js";
import { getWebApi } from "./web-api-request.js";
import { RecentlyPlayedPage, TopArtistsPage, TopTracksPage } from "./web-api-schemas.js";

/** The most items Spotify returns per page; one page per source is plenty for a taste profile. */
export const PAGE_LIMIT = 50;

/**
 * The Spotify Web API reads the analysis needs (see getWebApi for how failures are classified). A 401
 * carries status 401 so the collector can refresh the token once and try again.
 */
export class SpotifyWebApiClient {
  readonly #apiUrl: string;
  readonly #http: HttpDependencies;
  readonly #policy: RetryPolicy | undefined;

  constructor(apiUrl: string, options: { http?: HttpDependencies; policy?: RetryPolicy } = {}) {
    this.#apiUrl = apiUrl;
    this.#http = options.http ?? defaultHttpDependencies;
    this.#policy = options.policy;
  }

  async topArtists(accessToken: string, timeRange: TimeRange, signal?: AbortSignal): Promise<Artist[]> {
    const page = await this.#get(
      `/v1/me/top/artists?time_range=${timeRange}&limit=${PAGE_LIMIT}`,
      accessToken,
      TopArtistsPage,
      `Spotify top artists (${timeRange})`,
      signal,
    );
    return page.items;
  }

  async topTracks(accessToken: string, timeRange: TimeRange, signal?: AbortSignal): Promise<Track[]> {
    const page = await this.#get(
      `/v1/me/top/tracks?time_range=${timeRange}&limit=${PAGE_LIMIT}`,
      accessToken,
      TopTracksPage,
      `Spotify top tracks (${timeRange})`,
      signal,
    );
    return page.items;
  }

  async recentlyPlayed(accessToken: string, signal?: AbortSignal): Promise<Play[]> {
    const page = await this.#get(
      `/v1/me/player/recently-played?limit=${PAGE_LIMIT}`,
      accessToken,
      RecentlyPlayedPage,
      "Spotify recently played",
      signal,
    );
    return page.items;
  }

  #get<Schema extends z.ZodType>(
    path: string,
    accessToken: string,
    schema: Schema,
    description: string,
    signal: AbortSignal | undefined,
  ): Promise<z.output<Schema>> {
    return getWebApi({
      url: `${this.#apiUrl}${path}`,
      accessToken,
      schema,
      description,
      http: this.#http,
      policy: this.#policy,
      signal,
    });
  }
}

import type { z } from "zod";
import type { Artist, Play, TimeRange, Track } from "../analysis/types.js";
import {
  defaultHttpDependencies,
  type HttpDependencies,
  type RequestOutcome,
  type RetryPolicy,
} from "../http/retry.js";
import type { RequestBudget } from "./spotify-budget.js";
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
  readonly #budget: RequestBudget | undefined;
  readonly #observe: ((endpoint: string, outcome: RequestOutcome) => void) | undefined;

  constructor(
    apiUrl: string,
    options: {
      http?: HttpDependencies;
      policy?: RetryPolicy;
      budget?: RequestBudget | undefined;
      /** Told how each request to an endpoint ("top_artists", …) ended (metrics). */
      observe?: ((endpoint: string, outcome: RequestOutcome) => void) | undefined;
    } = {},
  ) {
    this.#apiUrl = apiUrl;
    this.#http = options.http ?? defaultHttpDependencies;
    this.#policy = options.policy;
    this.#budget = options.budget;
    this.#observe = options.observe;
  }

  async topArtists(accessToken: string, timeRange: TimeRange, signal?: AbortSignal): Promise<Artist[]> {
    const page = await this.#get(
      `/v1/me/top/artists?time_range=${timeRange}&limit=${PAGE_LIMIT}`,
      accessToken,
      TopArtistsPage,
      "top_artists",
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
      "top_tracks",
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
      "recently_played",
      "Spotify recently played",
      signal,
    );
    return page.items;
  }

  #get<Schema extends z.ZodType>(
    path: string,
    accessToken: string,
    schema: Schema,
    endpoint: string,
    description: string,
    signal: AbortSignal | undefined,
  ): Promise<z.output<Schema>> {
    const observe = this.#observe;
    return getWebApi({
      budget: this.#budget,
      observe: observe ? (outcome) => observe(endpoint, outcome) : undefined,
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

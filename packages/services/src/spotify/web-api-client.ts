import type { z } from "zod";
import type { Artist, Play, TimeRange, Track } from "../analysis/types.js";
import { UpstreamError } from "../errors.js";
import {
  defaultHttpDependencies,
  fetchWithRetry,
  type HttpDependencies,
  type RetryPolicy,
  readJson,
} from "../http/retry.js";
import { RecentlyPlayedPage, TopArtistsPage, TopTracksPage } from "./web-api-schemas.js";

/** The most items Spotify returns per page; one page per source is plenty for a taste profile. */
export const PAGE_LIMIT = 50;

/**
 * The Spotify Web API reads the analysis needs. Transient failures (network, 5xx, 429) are retried
 * inside fetchWithRetry and surface as retryable UpstreamErrors; 401 (a token Spotify refuses),
 * 403 (a missing scope), other 4xx and malformed bodies are final. A 401 carries status 401 so the
 * collector can refresh the token once and try again.
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

  async #get<Schema extends z.ZodType>(
    path: string,
    accessToken: string,
    schema: Schema,
    description: string,
    signal: AbortSignal | undefined,
  ): Promise<z.output<Schema>> {
    const response = await fetchWithRetry(
      `${this.#apiUrl}${path}`,
      { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } },
      { description, ...(this.#policy ? { policy: this.#policy } : {}), ...(signal ? { signal } : {}) },
      this.#http,
    );
    if (!response.ok) {
      await response.body?.cancel();
      const reason =
        response.status === 401
          ? "was refused: the access token is invalid or expired"
          : response.status === 403
            ? "is not allowed: a permission (scope) is missing"
            : `failed with HTTP ${response.status}`;
      throw new UpstreamError(`${description} ${reason}`, { retryable: false, status: response.status });
    }
    const json = await readJson(response, description);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new UpstreamError(`${description} has an unexpected shape`, {
        retryable: false,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}

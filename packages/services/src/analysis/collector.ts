import type { Logger } from "pino";
import { UpstreamError } from "../errors.js";
import type { SpotifyWebApiClient } from "../spotify/web-api-client.js";
import type { Artist, ListeningData, Play, SourceName, TimeRange, Track } from "./types.js";
import { SOURCES } from "./types.js";

/** Gives the collector a token; with `staleToken`, one Spotify just refused (refresh unless done already). */
export type AccessTokenProvider = (options?: { staleToken?: string }) => Promise<string>;

type SourceValue = readonly Artist[] | readonly Track[] | readonly Play[];

/**
 * Reads the listener's data: top artists and top tracks for three time ranges and recently played,
 * all seven requested in parallel. A source that fails is recorded in `missingSources` and the analysis
 * goes on without it. A 401 triggers one shared token refresh and a second try of the refused sources;
 * a 401 after that is final. When every source fails, the error is retryable unless all failures were
 * final (a missing scope, a revoked grant), in which case the first of those is thrown.
 */
export class Collector {
  readonly #api: SpotifyWebApiClient;
  readonly #logger: Logger;

  constructor(api: SpotifyWebApiClient, logger: Logger) {
    this.#api = api;
    this.#logger = logger;
  }

  async collect(getAccessToken: AccessTokenProvider, signal?: AbortSignal): Promise<ListeningData> {
    let token = await getAccessToken();
    let refreshed: Promise<string> | undefined;
    const refreshOnce = (stale: string) => {
      refreshed ??= getAccessToken({ staleToken: stale });
      return refreshed;
    };

    const fetchSource = async (source: SourceName): Promise<SourceValue> => {
      try {
        return await this.#request(source, token, signal);
      } catch (error) {
        if (!(error instanceof UpstreamError) || error.status !== 401) throw error;
        const stale = token;
        token = await refreshOnce(stale);
        return this.#request(source, token, signal);
      }
    };

    const settled = await Promise.allSettled(SOURCES.map((source) => fetchSource(source)));
    const values = new Map<SourceName, SourceValue>();
    const failures: { source: SourceName; error: unknown }[] = [];
    settled.forEach((result, index) => {
      const source = SOURCES[index] as SourceName;
      if (result.status === "fulfilled") values.set(source, result.value);
      else failures.push({ source, error: result.reason });
    });

    if (failures.length > 0) {
      this.#logger.warn(
        {
          missingSources: failures.map((failure) => failure.source),
          reasons: failures.map((f) => describe(f.error)),
        },
        "some Spotify sources failed",
      );
    }
    if (failures.length === SOURCES.length) {
      const final = failures.find((failure) => !isRetryable(failure.error));
      if (final && failures.every((failure) => !isRetryable(failure.error))) throw final.error;
      const retryAfterMs = Math.max(
        0,
        ...failures.map((failure) =>
          failure.error instanceof UpstreamError ? (failure.error.retryAfterMs ?? 0) : 0,
        ),
      );
      const rateLimited = failures.some(
        (failure) => failure.error instanceof UpstreamError && failure.error.status === 429,
      );
      throw new UpstreamError("Spotify could not be reached for any of the listening data", {
        retryable: true,
        cause: failures[0]?.error,
        ...(rateLimited ? { status: 429 } : {}),
        ...(retryAfterMs > 0 ? { retryAfterMs } : {}),
      });
    }

    const artists = (range: TimeRange) =>
      (values.get(`topArtists.${range}`) as readonly Artist[] | undefined) ?? null;
    const tracks = (range: TimeRange) =>
      (values.get(`topTracks.${range}`) as readonly Track[] | undefined) ?? null;
    return {
      topArtists: {
        short_term: artists("short_term"),
        medium_term: artists("medium_term"),
        long_term: artists("long_term"),
      },
      topTracks: {
        short_term: tracks("short_term"),
        medium_term: tracks("medium_term"),
        long_term: tracks("long_term"),
      },
      recentlyPlayed: (values.get("recentlyPlayed") as readonly Play[] | undefined) ?? null,
      missingSources: failures.map((failure) => failure.source),
    };
  }

  #request(source: SourceName, token: string, signal: AbortSignal | undefined): Promise<SourceValue> {
    if (source === "recentlyPlayed") return this.#api.recentlyPlayed(token, signal);
    const [kind, range] = source.split(".") as ["topArtists" | "topTracks", TimeRange];
    return kind === "topArtists"
      ? this.#api.topArtists(token, range, signal)
      : this.#api.topTracks(token, range, signal);
  }
}

function isRetryable(error: unknown): boolean {
  return !(error instanceof UpstreamError) || error.retryable;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import type { z } from "zod";
import { SpotifyUserNotRegisteredError, UpstreamError } from "../errors.js";
import {
  fetchWithRetry,
  type HttpDependencies,
  type RequestOutcome,
  type RetryPolicy,
  readJson,
} from "../http/retry.js";
import type { RequestBudget } from "./spotify-budget.js";
import { isUserNotRegistered } from "./web-api-errors.js";

export interface WebApiRequest<Schema extends z.ZodType> {
  /** Full URL of the Web API resource. */
  readonly url: string;
  readonly accessToken: string;
  readonly schema: Schema;
  /** What is read, for messages: "Spotify top artists (short_term)". */
  readonly description: string;
  readonly http: HttpDependencies;
  readonly policy?: RetryPolicy | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The deployment's shared Spotify budget (pauses after a 429, SPOTIFY_MAX_RPS). */
  readonly budget?: RequestBudget | undefined;
  readonly observe?: ((outcome: RequestOutcome) => void) | undefined;
}

/**
 * One authenticated GET to Spotify's Web API, validated with `schema`. Transient failures are retried
 * by fetchWithRetry; 401 (a token Spotify refuses), 403 (a missing scope, or a user a development-mode
 * app does not admit: SpotifyUserNotRegisteredError), other 4xx and bodies that are malformed or shaped
 * unexpectedly are final UpstreamErrors that keep the HTTP status.
 */
export async function getWebApi<Schema extends z.ZodType>(
  request: WebApiRequest<Schema>,
): Promise<z.output<Schema>> {
  const { description } = request;
  const response = await fetchWithRetry(
    request.url,
    { headers: { authorization: `Bearer ${request.accessToken}`, accept: "application/json" } },
    {
      description,
      policy: request.policy,
      signal: request.signal,
      budget: request.budget,
      observe: request.observe,
    },
    request.http,
  );
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    if (isUserNotRegistered(response.status, text)) throw new SpotifyUserNotRegisteredError();
    const reason =
      response.status === 401
        ? "was refused: the access token is invalid or expired"
        : response.status === 403
          ? "is not allowed: a permission (scope) is missing"
          : `failed with HTTP ${response.status}`;
    throw new UpstreamError(`${description} ${reason}`, { retryable: false, status: response.status });
  }
  return parseUpstream(request.schema, await readJson(response, description), description);
}

/** Validates an upstream answer; an unexpected shape is final (asking again returns the same). */
export function parseUpstream<Schema extends z.ZodType>(
  schema: Schema,
  json: unknown,
  description: string,
): z.output<Schema> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new UpstreamError(`${description} has an unexpected shape`, {
      retryable: false,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

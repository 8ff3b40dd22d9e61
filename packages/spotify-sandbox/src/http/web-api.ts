import { type Request, type Response, Router } from "express";
import { type Listener, TIME_RANGES, type TimeRange } from "../catalog/generator.js";
import type { ListenerDirectory } from "../catalog/listeners.js";
import { type Play, recentPlays } from "../catalog/listening-history.js";
import { type DevelopmentModeRoster, USER_NOT_REGISTERED_MESSAGE } from "../development-mode.js";
import type { SandboxSettings } from "../settings.js";
import type { Grant, TokenStore } from "../token-store.js";
import { queryOf } from "./query.js";
import {
  artistObject,
  playHistoryObject,
  privateUserObject,
  trackObject,
  type WireOptions,
} from "./spotify-objects.js";
import { sendApiError } from "./web-api-errors.js";

/**
 * The Web API subset the service reads (api.spotify.com/v1): the profile, top artists and tracks, and
 * recently played, with Spotify's query validation, paging objects, scopes and error bodies.
 */

export interface WebApiDependencies {
  readonly settings: SandboxSettings;
  readonly tokens: TokenStore;
  readonly listeners: ListenerDirectory;
  readonly roster: DevelopmentModeRoster;
  readonly now: () => number;
}

/** RFC 6750 §3: every 401 names the scheme; with a token that was refused, also why. */
const REALM = 'Bearer realm="spotify"';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 50;
const DIGITS = /^\d+$/;

class InvalidQuery extends Error {}

function limitOf(query: URLSearchParams): number {
  const raw = query.get("limit");
  if (raw === null) return DEFAULT_LIMIT;
  const limit = DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new InvalidQuery("Invalid limit");
  return limit;
}

function offsetOf(query: URLSearchParams): number {
  const raw = query.get("offset");
  if (raw === null) return 0;
  const offset = DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(offset)) throw new InvalidQuery("Invalid offset");
  return offset;
}

function timeRangeOf(query: URLSearchParams): TimeRange {
  const raw = query.get("time_range") ?? "medium_term";
  const range = TIME_RANGES.find((candidate) => candidate === raw);
  if (!range) throw new InvalidQuery("Invalid time range: use short_term, medium_term or long_term");
  return range;
}

function cursorOf(query: URLSearchParams, name: "before" | "after"): number | null {
  const raw = query.get(name);
  if (raw === null) return null;
  const cursor = DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(cursor)) throw new InvalidQuery(`Invalid ${name} cursor`);
  return cursor;
}

function linkTo(base: string, parameters: Record<string, string | number>): string {
  const query = new URLSearchParams(Object.entries(parameters).map(([name, value]) => [name, String(value)]));
  return `${base}?${query.toString()}`;
}

/**
 * The Web API's root as the client reached it, so paging links work behind any mount path (and behind a
 * proxy when the host app trusts it: express 5's protocol and host honour X-Forwarded-*, host keeps the port).
 */
function apiBaseUrlOf(request: Request): string {
  return `${request.protocol}://${request.host}${request.baseUrl}`;
}

/** Offset paging over a top list, as Spotify's PagingObject. */
function offsetPage<T, Wire>(
  items: readonly T[],
  query: URLSearchParams,
  endpoint: string,
  toWire: (item: T) => Wire,
) {
  const timeRange = timeRangeOf(query);
  const limit = limitOf(query);
  const offset = offsetOf(query);
  const total = items.length;
  const pageUrl = (pageOffset: number) =>
    linkTo(endpoint, { time_range: timeRange, offset: pageOffset, limit });
  return {
    href: pageUrl(offset),
    limit,
    next: offset + limit < total ? pageUrl(offset + limit) : null,
    offset,
    previous: offset > 0 ? pageUrl(Math.max(0, offset - limit)) : null,
    total,
    items: items.slice(offset, offset + limit).map(toWire),
  };
}

/**
 * Cursor paging over the 50 most recent plays, newest first. `before` walks back in time (Spotify's `next`
 * carries before=<oldest played_at on the page>); `after` returns the plays just after the cursor, and its
 * `next` continues forward with after=<newest played_at>. Spotify sends no `total` here.
 */
function cursorPage(plays: readonly Play[], query: URLSearchParams, endpoint: string, options: WireOptions) {
  const limit = limitOf(query);
  const before = cursorOf(query, "before");
  const after = cursorOf(query, "after");
  if (before !== null && after !== null) throw new InvalidQuery("Only one of before and after may be given");
  let page: readonly Play[];
  let more: boolean;
  if (after !== null) {
    const newer = plays.filter((play) => play.playedAt > after);
    page = newer.slice(Math.max(0, newer.length - limit));
    more = newer.length > page.length;
  } else {
    const older = before === null ? plays : plays.filter((play) => play.playedAt < before);
    page = older.slice(0, limit);
    more = older.length > page.length;
  }
  const newest = page[0];
  const oldest = page[page.length - 1];
  const hrefParameters: Record<string, number> = { limit };
  if (before !== null) hrefParameters.before = before;
  if (after !== null) hrefParameters.after = after;
  let next: string | null = null;
  if (more && newest && oldest) {
    next =
      after !== null
        ? linkTo(endpoint, { after: newest.playedAt, limit })
        : linkTo(endpoint, { before: oldest.playedAt, limit });
  }
  return {
    href: linkTo(endpoint, hrefParameters),
    limit,
    next,
    cursors: newest && oldest ? { after: String(newest.playedAt), before: String(oldest.playedAt) } : null,
    items: page.map((play) => playHistoryObject(play, options)),
  };
}

export function webApiRouter(dependencies: WebApiDependencies): Router {
  const { settings, tokens, listeners, roster, now } = dependencies;
  const router = Router();

  /** The caller's grant, or undefined after answering 400/401/403 as Spotify does. */
  function authenticate(request: Request, response: Response, requiredScope?: string): Grant | undefined {
    const authorization = request.get("authorization");
    if (!authorization) {
      response.set("WWW-Authenticate", REALM);
      sendApiError(response, 401, "No token provided");
      return undefined;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!bearer?.[1]) {
      sendApiError(response, 400, "Only valid bearer authentication supported");
      return undefined;
    }
    const lookup = tokens.findAccessToken(bearer[1]);
    if (lookup.status !== "valid") {
      const message = lookup.status === "expired" ? "The access token expired" : "Invalid access token";
      response.set("WWW-Authenticate", `${REALM}, error="invalid_token", error_description="${message}"`);
      sendApiError(response, 401, message);
      return undefined;
    }
    if (settings.developmentMode && !roster.admit(lookup.grant.clientId, lookup.grant.personaId)) {
      response.status(403).type("text/plain; charset=utf-8").send(USER_NOT_REGISTERED_MESSAGE);
      return undefined;
    }
    if (requiredScope && !lookup.grant.scopes.includes(requiredScope)) {
      sendApiError(response, 403, "Insufficient client scope");
      return undefined;
    }
    return lookup.grant;
  }

  interface EndpointContext {
    readonly listener: Listener;
    readonly grant: Grant;
    readonly query: URLSearchParams;
    readonly options: WireOptions;
    /** This endpoint's absolute URL, for paging links. */
    readonly endpointUrl: string;
  }

  /** A GET endpoint of the authenticated listener; query errors become Spotify's 400. */
  function listenerEndpoint(
    path: string,
    requiredScope: string | undefined,
    respond: (context: EndpointContext) => unknown,
  ) {
    router.get(path, (request, response) => {
      const grant = authenticate(request, response, requiredScope);
      if (!grant) return;
      const listener = listeners.find(grant.personaId);
      if (!listener) throw new Error(`Persona "${grant.personaId}" of a valid token has no listener`);
      const apiBaseUrl = apiBaseUrlOf(request);
      try {
        const body = respond({
          listener,
          grant,
          query: queryOf(request),
          options: { apiBaseUrl, developmentMode: settings.developmentMode },
          endpointUrl: `${apiBaseUrl}${path}`,
        });
        response.json(body);
      } catch (error) {
        if (!(error instanceof InvalidQuery)) throw error;
        sendApiError(response, 400, error.message);
      }
    });
  }

  listenerEndpoint("/v1/me", undefined, ({ listener, grant, options }) =>
    privateUserObject(listener.profile, new Set(grant.scopes), options),
  );

  listenerEndpoint("/v1/me/top/artists", "user-top-read", ({ listener, query, options, endpointUrl }) =>
    offsetPage(listener.topArtists[timeRangeOf(query)], query, endpointUrl, (artist) =>
      artistObject(artist, options),
    ),
  );

  listenerEndpoint("/v1/me/top/tracks", "user-top-read", ({ listener, query, options, endpointUrl }) =>
    offsetPage(listener.topTracks[timeRangeOf(query)], query, endpointUrl, (track) =>
      trackObject(track, options),
    ),
  );

  listenerEndpoint(
    "/v1/me/player/recently-played",
    "user-read-recently-played",
    ({ listener, query, options, endpointUrl }) =>
      cursorPage(recentPlays(listener, now()), query, endpointUrl, options),
  );

  router.use((_request, response) => {
    sendApiError(response, 404, "Service not found");
  });

  return router;
}

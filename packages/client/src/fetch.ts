import type { httpLink } from "@trpc/client";
import { ServerUnreachableError } from "./errors.js";

/** The `fetch` the client sends with. */
export type Fetch = typeof globalThis.fetch;

/** The fetch tRPC's links take: a structural type of their own, looser than the platform's. */
type LinkFetch = NonNullable<Parameters<typeof httpLink>[0]["fetch"]>;

/** The platform's fetch as tRPC's links type it (their RequestInit is a subset of the platform's). */
export function linkFetch(fetch: Fetch): LinkFetch {
  return (input, init) => fetch(input, init as RequestInit | undefined);
}

/**
 * Turns a fetch that could not reach the server into an error naming the server, instead of undici's
 * bare "fetch failed" (or a browser's "Failed to fetch"). Aborts stay aborts.
 */
export function reportUnreachable(fetch: Fetch, serverUrl: string): Fetch {
  return async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      if (error instanceof TypeError && !init?.signal?.aborted) {
        throw new ServerUnreachableError(serverUrl, { cause: error });
      }
      throw error;
    }
  };
}

/** `http://host:port/` and `http://host:port` name the same server. */
export function baseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`"${url}" is not a URL; expected something like http://127.0.0.1:8000.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`The server URL must start with http:// or https:// (got ${url}).`);
  }
  return parsed.toString().replace(/\/+$/, "");
}

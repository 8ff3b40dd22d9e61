import { baseUrl, type Fetch, reportUnreachable } from "./fetch.js";

/** A demo listener of the Spotify sandbox (`GET <server>/sandbox/spotify/personas`). */
export interface DemoPersona {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
}

/** Besides the named personas, any `seed:<n>` signs in a generated listener. */
export const GENERATED_PERSONA = "seed:<n>";

/**
 * The demo listeners a persona sign-in accepts, read from the sandbox the server mounts in demo mode;
 * null when the server is not in demo mode (it signs in with the real Spotify, and mounts no sandbox).
 */
export async function listDemoPersonas(options: {
  readonly url: string;
  readonly fetch?: Fetch | undefined;
}): Promise<DemoPersona[] | null> {
  const server = baseUrl(options.url);
  const fetch = reportUnreachable(options.fetch ?? globalThis.fetch.bind(globalThis), server);
  const response = await fetch(`${server}/sandbox/spotify/personas`, {
    headers: { accept: "application/json" },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok || !Array.isArray(body) || !body.every(isPersona)) {
    throw new Error(
      `The server at ${server} answered GET /sandbox/spotify/personas with HTTP ${response.status}, not a list of personas.`,
    );
  }
  return body.map(({ id, displayName, description }) => ({ id, displayName, description }));
}

function isPersona(value: unknown): value is DemoPersona {
  if (typeof value !== "object" || value === null) return false;
  const { id, displayName, description } = value as Record<string, unknown>;
  return typeof id === "string" && typeof displayName === "string" && typeof description === "string";
}

import type { Services } from "@unwrapped/services";
import { mapConcurrently } from "./concurrency.js";
import { DEMO_CLIENT } from "./environment.js";
import { createBenchClient } from "./trpc-client.js";

export interface SignedInListener {
  readonly persona: string;
  readonly userId: string;
  readonly accessToken: string;
}

/** Where sign-ins return to: a loopback URL nothing listens on (redirects are read, never followed). */
const REDIRECT_TO = "http://127.0.0.1:9/callback";

/** Generated listeners `seed:<first>` … `seed:<first + count - 1>`. */
export function seedPersonas(count: number, first = 1): string[] {
  return Array.from({ length: count }, (_, index) => `seed:${first + index}`);
}

async function redirectLocation(url: string | URL, step: string, jar?: { cookie: string }): Promise<URL> {
  const response = await fetch(url, {
    redirect: "manual",
    headers: jar?.cookie ? { cookie: jar.cookie } : {},
  });
  await response.arrayBuffer();
  // The sign-in start binds its state to the client with a cookie; carry it to the callback like a browser.
  if (jar && response.headers.getSetCookie().length > 0) {
    jar.cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(";")[0] ?? "")
      .join("; ");
  }
  const location = response.headers.get("location");
  if (response.status !== 302 || !location) throw new Error(`sign-in: ${step} answered ${response.status}`);
  return new URL(location);
}

/**
 * Sign-in over HTTP exactly as a browser and the CLI do it: /auth/spotify/login -> the sandbox's
 * authorize page with a persona -> /auth/spotify/callback -> redirect_to with a login code -> auth.exchange.
 */
export async function signInOverHttp(serverUrl: string, persona: string): Promise<SignedInListener> {
  const jar = { cookie: "" };
  const authorize = await redirectLocation(
    `${serverUrl}/auth/spotify/login?redirect_to=${encodeURIComponent(REDIRECT_TO)}`,
    "login",
    jar,
  );
  authorize.searchParams.set("persona", persona);
  const callback = await redirectLocation(authorize, "authorize");
  const landed = await redirectLocation(callback, "callback", jar);
  const code = landed.searchParams.get("login_code");
  if (!code) throw new Error(`sign-in failed: ${landed.searchParams.get("error")}`);
  const session = await createBenchClient(serverUrl, null).auth.exchange.mutate({ code });
  return { persona, userId: session.user.id, accessToken: session.accessToken };
}

/**
 * Sign-in through the services in the bench's process (the same SignInService the callback route uses,
 * talking to the same Spotify sandbox over HTTP), which spares the server hops when preparing thousands of
 * listeners.
 */
export async function signInListeners(
  services: Services,
  personas: readonly string[],
  concurrency = 16,
): Promise<SignedInListener[]> {
  return mapConcurrently(personas, concurrency, async (persona) => {
    const start = await services.signIn.begin(undefined);
    const authorize = new URL(start.authorizeUrl);
    authorize.searchParams.set("persona", persona);
    const consented = await redirectLocation(authorize, "authorize");
    const landed = new URL(
      await services.signIn.complete(
        {
          code: consented.searchParams.get("code") ?? "",
          state: consented.searchParams.get("state") ?? "",
        },
        start.binding,
      ),
    );
    const code = landed.searchParams.get("login_code");
    if (!code) throw new Error(`sign-in of ${persona} failed: ${landed.searchParams.get("error")}`);
    const session = await services.sessions.exchangeLoginCode(code);
    return { persona, userId: session.user.id, accessToken: session.accessToken };
  });
}

/**
 * A Spotify access token straight from the sandbox's accounts service (authorization code grant with the
 * demo client), for timing the sandbox itself.
 */
export async function sandboxAccessToken(accountsUrl: string, persona: string): Promise<string> {
  const redirectUri = "http://127.0.0.1:9/spotify-callback";
  const authorize = new URL(`${accountsUrl}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: DEMO_CLIENT.id,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "user-top-read user-read-recently-played",
    state: "bench",
    persona,
  }).toString();
  const landed = await redirectLocation(authorize, "sandbox authorize");
  const response = await fetch(`${accountsUrl}/api/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${DEMO_CLIENT.id}:${DEMO_CLIENT.secret}`).toString("base64")}`,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: landed.searchParams.get("code") ?? "",
      redirect_uri: redirectUri,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`the sandbox token endpoint answered ${response.status}`);
  return body.access_token;
}

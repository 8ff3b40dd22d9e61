import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";
import { SignInError } from "./errors.js";
import { baseUrl, type Fetch, linkFetch, reportUnreachable } from "./fetch.js";
import { GENERATED_PERSONA, listDemoPersonas } from "./personas.js";
import type { AppRouter } from "./router-types.js";
import type { SessionTokens } from "./session.js";

/**
 * Where a persona sign-in says it returns to. The redirect is never followed (the login code is read
 * from its Location header), so nothing needs to listen there; the server only requires a loopback URL.
 */
export const DEMO_REDIRECT = "http://127.0.0.1:9/callback";

/** What the `error=` codes of a failed sign-in mean, for people. */
const SIGN_IN_ERRORS: Record<string, string> = {
  access_denied: "the sign-in was cancelled on Spotify",
  invalid_state: "that sign-in link was already used or is unknown; start again",
  expired_state: "the sign-in took longer than 10 minutes; start again",
  spotify_unavailable: "Spotify could not be reached; try again in a moment",
  spotify_refused: "Spotify refused the sign-in",
  spotify_user_not_registered:
    "this app is in Spotify's development mode and is limited to listeners its owner has added; ask the owner to add your Spotify account in the Spotify developer dashboard",
  invalid_request: "Spotify sent an incomplete answer; start again",
  server_error: "something went wrong on the server; try again",
};

export function signInErrorMessage(code: string): string {
  return `Sign-in failed: ${SIGN_IN_ERRORS[code] ?? "the server reported an error"} (${code}).`;
}

/** The URL that starts a sign-in and returns the browser to `redirectTo` with `?login_code=`. */
export function loginUrl(url: string, redirectTo: string): string {
  return `${baseUrl(url)}/auth/spotify/login?redirect_to=${encodeURIComponent(redirectTo)}`;
}

export interface PersonaSignInOptions {
  /** The server's base URL. */
  readonly url: string;
  /** A sandbox persona id, e.g. "metalhead", "chart-pop", "new-listener" or "seed:7". */
  readonly persona: string;
  readonly fetch?: Fetch | undefined;
}

/**
 * Demo mode only: signs in as a sandbox persona without a browser, following the redirects one at a
 * time (login -> sandbox authorize with `persona`, which approves at once -> callback -> redirect_to)
 * and returns the one-time login code (valid 60 s).
 */
export async function demoLoginCode(options: PersonaSignInOptions): Promise<string> {
  const server = baseUrl(options.url);
  const fetch = reportUnreachable(options.fetch ?? globalThis.fetch.bind(globalThis), server);
  // Like a browser, keep the cookies this server sets (the sign-in start binds its state to the client
  // with one) and send them back to it; never to the sign-in page of another origin.
  const cookies = new Map<string, string>();
  const follow = async (target: URL | string, step: string): Promise<URL> => {
    const sameServer = new URL(target).origin === new URL(server).origin;
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(target, {
      redirect: "manual",
      ...(sameServer && cookie ? { headers: { cookie } } : {}),
    });
    if (sameServer) keepCookies(response, cookies);
    const body = await response.text();
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) return new URL(location, target);
    throw new SignInError(`${step} (HTTP ${response.status}${detail(body)}).`);
  };

  const authorize = await follow(
    loginUrl(server, DEMO_REDIRECT),
    `The server at ${server} did not start a sign-in`,
  );
  // Sign-in pages elsewhere than this server may be the real Spotify's: make sure the server is in demo
  // mode before sending a persona anywhere.
  if (authorize.origin !== new URL(server).origin) {
    const refusal = await personaRefusal(server, options);
    if (refusal?.code === "not_demo_mode") throw refusal;
  }
  authorize.searchParams.set("persona", options.persona);
  const callback = await follow(authorize, `The sign-in page refused persona "${options.persona}"`).catch(
    async (error: unknown) => {
      throw (await personaRefusal(server, options)) ?? error;
    },
  );
  const landed = callback.searchParams.has("code")
    ? await follow(callback, "The server did not complete the sign-in")
    : callback;
  const error = landed.searchParams.get("error");
  if (error) throw new SignInError(signInErrorMessage(error), { code: error });
  const code = landed.searchParams.get("login_code");
  if (!code) throw new SignInError("The sign-in finished without a login code.");
  return code;
}

/**
 * Why the sign-in page refused a persona, said with what the server offers: that it is not in demo mode
 * at all, or which persona ids it knows. Null when the persona is one of them (the refusal had another
 * reason, which the caller reports as it is).
 */
async function personaRefusal(server: string, options: PersonaSignInOptions): Promise<SignInError | null> {
  const personas = await listDemoPersonas({ url: server, fetch: options.fetch }).catch(() => undefined);
  if (personas === undefined) return null;
  if (personas === null) {
    return new SignInError(
      `The server at ${server} is not in demo mode (it signs in with the real Spotify), so there are no ` +
        "personas to sign in as: sign in through the browser instead.",
      { code: "not_demo_mode" },
    );
  }
  const ids = personas.map((persona) => persona.id);
  if (ids.includes(options.persona) || /^seed:\d+$/.test(options.persona)) return null;
  return new SignInError(
    `Unknown persona "${options.persona}". The server at ${server} is in demo mode; its personas are ` +
      `${ids.join(", ")}, or ${GENERATED_PERSONA} for a generated listener.`,
    { code: "unknown_persona" },
  );
}

/** Trades a login code (single use) for a session: `{ accessToken, refreshToken, accessTokenExpiresAt, user }`. */
export function exchangeLoginCode(options: {
  url: string;
  code: string;
  fetch?: Fetch | undefined;
}): Promise<SessionTokens> {
  const server = baseUrl(options.url);
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${server}/trpc`,
        transformer: superjson,
        fetch: linkFetch(reportUnreachable(options.fetch ?? globalThis.fetch.bind(globalThis), server)),
      }),
    ],
  });
  return client.auth.exchange.mutate({ code: options.code });
}

/** Demo mode only: signs in as a sandbox persona and returns the session (see `demoLoginCode`). */
export async function signInWithPersona(options: PersonaSignInOptions): Promise<SessionTokens> {
  const code = await demoLoginCode(options);
  return exchangeLoginCode({ url: options.url, code, fetch: options.fetch });
}

/** The message of a JSON error answer (an HTML error page says nothing a one-line error could use). */
function detail(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === "string" ? `: ${message}` : "";
  } catch {
    return "";
  }
}

/** Reads Set-Cookie into a name -> value jar (an expired or emptied cookie is removed). */
function keepCookies(response: Response, jar: Map<string, string>): void {
  const headers = response.headers as Headers & { getSetCookie?: () => string[] };
  for (const line of headers.getSetCookie?.() ?? []) {
    const [pair = ""] = line.split(";");
    const separator = pair.indexOf("=");
    if (separator <= 0) continue;
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    if (value === "" || /;\s*max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

import { createHash, randomBytes } from "node:crypto";
import { expect } from "vitest";

/** Test support: the OAuth steps an app performs against the sandbox, over real HTTP. */

export const CLIENT_ID = "test-client";
export const CLIENT_SECRET = "test-secret";
export const REDIRECT_URI = "http://127.0.0.1:9/auth/spotify/callback";
export const ALL_SCOPES = [
  "user-top-read",
  "user-read-recently-played",
  "user-read-email",
  "user-read-private",
];

/** The sandbox's URLs, as startSandbox returns them. */
export interface SandboxUrls {
  readonly accountsUrl: string;
  readonly apiUrl: string;
}

export interface TokenBody {
  access_token: string;
  token_type: string;
  scope: string;
  expires_in: number;
  refresh_token?: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export interface AuthorizeParameters {
  readonly persona?: string;
  /** What the consent page's number field sends instead of persona=seed:<n>. */
  readonly seed?: string;
  readonly scopes?: readonly string[];
  readonly challenge?: string;
  readonly state?: string;
}

export function authorizeUrl(accountsUrl: string, parameters: AuthorizeParameters = {}): string {
  const { persona, seed, scopes = ALL_SCOPES, challenge, state = "state-123" } = parameters;
  const query = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    state,
    scope: scopes.join(" "),
  });
  if (challenge) {
    query.set("code_challenge_method", "S256");
    query.set("code_challenge", challenge);
  }
  if (persona !== undefined) query.set("persona", persona);
  if (seed !== undefined) query.set("seed", seed);
  return `${accountsUrl}/authorize?${query.toString()}`;
}

/** Approves (as a persona or a seed) and returns the authorization code from the redirect. */
export async function authorize(accountsUrl: string, parameters: AuthorizeParameters): Promise<string> {
  const response = await fetch(authorizeUrl(accountsUrl, parameters), { redirect: "manual" });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  const code = location.searchParams.get("code");
  expect(code).toBeTruthy();
  return code ?? "";
}

export type ClientAuthentication = "basic" | "body" | "public";

export function requestToken(
  accountsUrl: string,
  form: Record<string, string>,
  authentication: ClientAuthentication = "basic",
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const body = new URLSearchParams(form);
  if (authentication === "basic") {
    headers.authorization = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
  } else {
    body.set("client_id", CLIENT_ID);
    if (authentication === "body") body.set("client_secret", CLIENT_SECRET);
  }
  return fetch(`${accountsUrl}/api/token`, { method: "POST", headers, body });
}

/** The whole PKCE sign-in of a persona: authorize, then exchange the code as a public client. */
export async function signIn(
  sandbox: SandboxUrls,
  persona: string,
  scopes: readonly string[] = ALL_SCOPES,
): Promise<TokenBody> {
  const { verifier, challenge } = pkcePair();
  const code = await authorize(sandbox.accountsUrl, { persona, scopes, challenge });
  const response = await requestToken(
    sandbox.accountsUrl,
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
    "public",
  );
  expect(response.status).toBe(200);
  return (await response.json()) as TokenBody;
}

export async function getApi(
  sandbox: SandboxUrls,
  path: string,
  accessToken: string | undefined,
): Promise<{ status: number; body: unknown; response: Response }> {
  const response = await fetch(`${sandbox.apiUrl}${path}`, {
    headers: accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` },
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, response };
}

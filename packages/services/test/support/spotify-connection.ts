import type { Database } from "@unwrapped/db";
import { type RunningSandbox, startSandbox } from "@unwrapped/spotify-sandbox";
import type { Logger } from "pino";
import { createPkcePair } from "../../src/auth/pkce.js";
import { saveSpotifyTokens } from "../../src/auth/spotify-credentials.js";
import { upsertUserFromProfile } from "../../src/auth/users.js";
import { type Clock, systemClock } from "../../src/clock.js";
import type { TokenCipher } from "../../src/crypto/token-cipher.js";
import { defaultRetryPolicy, type HttpDependencies, type RetryPolicy } from "../../src/http/retry.js";
import { SpotifyAccountsClient, type SpotifyTokens } from "../../src/spotify/accounts-client.js";
import { TEST_SPOTIFY_CLIENT_ID, TEST_SPOTIFY_CLIENT_SECRET } from "../../src/testing/index.js";

export const REDIRECT_URI = "http://127.0.0.1:9/auth/spotify/callback";

/** A fast retry policy for tests: same behaviour, millisecond backoffs. */
export const fastRetryPolicy: RetryPolicy = { ...defaultRetryPolicy, baseDelayMs: 1, maxDelayMs: 5 };

export function startTestSandbox(
  options: Partial<Parameters<typeof startSandbox>[0]> = {},
): Promise<RunningSandbox> {
  return startSandbox({
    clientId: TEST_SPOTIFY_CLIENT_ID,
    clientSecret: TEST_SPOTIFY_CLIENT_SECRET,
    ...options,
  });
}

export function accountsClientFor(
  sandbox: RunningSandbox,
  options: {
    clock?: Clock;
    http?: HttpDependencies;
    policy?: RetryPolicy;
    logger?: Logger;
    clientSecret?: string;
  } = {},
) {
  return new SpotifyAccountsClient(
    {
      clientId: TEST_SPOTIFY_CLIENT_ID,
      clientSecret: options.clientSecret ?? TEST_SPOTIFY_CLIENT_SECRET,
      accountsUrl: sandbox.accountsUrl,
      apiUrl: sandbox.apiUrl,
      redirectUri: REDIRECT_URI,
    },
    {
      clock: options.clock ?? systemClock,
      policy: options.policy ?? fastRetryPolicy,
      http: options.http,
      logger: options.logger,
    },
  );
}

/** Consents as `persona` in the sandbox and exchanges the code, as the sign-in callback does. */
export async function authorizePersona(
  accounts: SpotifyAccountsClient,
  persona: string,
): Promise<SpotifyTokens> {
  const pkce = createPkcePair();
  const url = new URL(accounts.authorizeUrl({ state: "test-state", codeChallenge: pkce.challenge }));
  url.searchParams.set("persona", persona);
  const consent = await fetch(url, { redirect: "manual" });
  const code = new URL(consent.headers.get("location") ?? "").searchParams.get("code");
  if (!code) throw new Error(`sandbox consent failed with ${consent.status}`);
  return accounts.exchangeCode({ code, codeVerifier: pkce.verifier });
}

/** A user in the database with Spotify tokens for `persona`, stored encrypted as sign-in leaves them. */
export async function connectPersona(
  db: Database,
  sandbox: RunningSandbox,
  cipher: TokenCipher,
  persona: string,
  options: { clock?: Clock; accounts?: SpotifyAccountsClient } = {},
) {
  const clock = options.clock ?? systemClock;
  const accounts = options.accounts ?? accountsClientFor(sandbox, { clock });
  const tokens = await authorizePersona(accounts, persona);
  const profile = await accounts.getProfile(tokens.accessToken);
  const user = await upsertUserFromProfile(db, profile, clock);
  await saveSpotifyTokens(db, cipher, clock, user.id, tokens, { consented: true });
  return { user, tokens, accounts };
}

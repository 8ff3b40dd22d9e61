import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/index.js";
import {
  authorize,
  authorizeUrl,
  CLIENT_ID,
  CLIENT_SECRET,
  getApi,
  pkcePair,
  REDIRECT_URI,
  requestToken,
  signIn,
  type TokenBody,
} from "../sign-in.js";

const START = Date.UTC(2026, 10, 20, 18, 30);
const REFRESH_LIFETIME_SECONDS = 1000;
let clock = START;
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshTokenLifetimeSeconds: REFRESH_LIFETIME_SECONDS,
    now: () => clock,
  });
});

afterEach(() => {
  clock = START;
  sandbox.controls.reset();
});

afterAll(async () => {
  await sandbox.close();
});

async function oauthError(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await response.json() };
}

describe("authorize", () => {
  it("redirects a persona straight back with a code and the state, then PKCE exchange and /v1/me work", async () => {
    const { verifier, challenge } = pkcePair();
    const response = await fetch(authorizeUrl(sandbox.accountsUrl, { persona: "metalhead", challenge }), {
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.searchParams.get("state")).toBe("state-123");
    const code = location.searchParams.get("code") ?? "";

    const tokenResponse = await requestToken(
      sandbox.accountsUrl,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      "public",
    );
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get("cache-control")).toBe("no-store");
    expect(tokenResponse.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const tokens = (await tokenResponse.json()) as TokenBody;
    expect(Object.keys(tokens).sort()).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "scope",
      "token_type",
    ]);
    expect(tokens).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      scope: "user-top-read user-read-recently-played user-read-email user-read-private",
    });
    expect(tokens.access_token).toMatch(/^BQ[A-Za-z0-9_-]{60,}$/);
    expect(tokens.refresh_token).toMatch(/^AQ[A-Za-z0-9_-]{60,}$/);

    const me = await getApi(sandbox, "/v1/me", tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      display_name: "Jonas Varga",
      email: "metalhead@example.com",
      type: "user",
      product: "premium",
    });
    const { id, uri } = me.body as { id: string; uri: string };
    expect(uri).toBe(`spotify:user:${id}`);
  });

  it("shows a consent page that lists every persona with an approve link, a seed form and a cancel", async () => {
    const hostile = `"><script>alert(1)</script>&`;
    const response = await fetch(authorizeUrl(sandbox.accountsUrl, { state: hostile }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();

    const personas = (await (await fetch(`${sandbox.url}/personas`)).json()) as {
      id: string;
      displayName: string;
      description: string;
    }[];
    expect(personas.length).toBeGreaterThanOrEqual(7);
    for (const persona of personas) {
      expect(html).toContain(persona.displayName);
      expect(html).toContain(`persona=${encodeURIComponent(persona.id)}`);
    }
    expect(html).toContain('name="seed"');
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");

    const cancelHref = /<a class="cancel" href="([^"]+)"/.exec(html)?.[1] ?? "";
    const cancel = new URL(cancelHref.replaceAll("&amp;", "&"));
    expect(`${cancel.origin}${cancel.pathname}`).toBe(REDIRECT_URI);
    expect(cancel.searchParams.get("error")).toBe("access_denied");
    expect(cancel.searchParams.get("state")).toBe(hostile);
  });

  it("escapes persona text on the consent page: the approve links carry the request's own parameters", async () => {
    const html = await (await fetch(authorizeUrl(sandbox.accountsUrl, { state: "a&b" }))).text();
    // Inside attributes every & of the query string is written as &amp;.
    expect(html).toMatch(
      /href="\?client_id=test-client&amp;response_type=code&amp;[^"]*state=a%26b[^"]*&amp;persona=/,
    );
  });

  it("signs in a generated listener from the seed form field, the same one as persona=seed:<n>", async () => {
    const fromForm = await authorize(sandbox.accountsUrl, { seed: "42" });
    const formTokens = await (
      await requestToken(sandbox.accountsUrl, {
        grant_type: "authorization_code",
        code: fromForm,
        redirect_uri: REDIRECT_URI,
      })
    ).json();
    const viaPersona = await signIn(sandbox, "seed:42");
    const formMe = await getApi(sandbox, "/v1/me", (formTokens as TokenBody).access_token);
    const personaMe = await getApi(sandbox, "/v1/me", viaPersona.access_token);
    expect((formMe.body as { id: string }).id).toBe((personaMe.body as { id: string }).id);
  });

  it.each([
    ["an unknown client", { client_id: "someone-else" }, "INVALID_CLIENT: Invalid client"],
    ["a missing redirect_uri", { redirect_uri: "" }, "INVALID_CLIENT: Invalid redirect URI"],
    ["response_type=token", { response_type: "token" }, "response_type must be code"],
    ["an unknown scope", { scope: "user-top-read launch-missiles" }, "INVALID_SCOPE"],
    ["a plain PKCE method", { code_challenge_method: "plain", code_challenge: "x".repeat(43) }, "S256"],
    ["an unknown persona", { persona: "nobody" }, "Unknown persona"],
    ["an empty persona", { persona: "" }, "Unknown persona"],
    ["a negative seed", { persona: "seed:-1" }, "Unknown persona"],
  ])("answers %s with a 400 error page instead of redirecting", async (_case, overrides, message) => {
    const url = new URL(authorizeUrl(sandbox.accountsUrl));
    for (const [name, value] of Object.entries(overrides)) url.searchParams.set(name, value);
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain(message);
  });
});

describe("authorization code exchange", () => {
  it("accepts a code once; the second use is invalid_grant", async () => {
    const code = await authorize(sandbox.accountsUrl, { persona: "chart-pop" });
    const form = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI };
    expect((await requestToken(sandbox.accountsUrl, form)).status).toBe(200);
    expect(await oauthError(await requestToken(sandbox.accountsUrl, form))).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid authorization code" },
    });
  });

  it("refuses a code after its ten minutes", async () => {
    const code = await authorize(sandbox.accountsUrl, { persona: "chart-pop" });
    clock += 10 * 60 * 1000;
    const response = await requestToken(sandbox.accountsUrl, {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
    });
    expect(await oauthError(response)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid authorization code" },
    });
  });

  it("refuses a wrong or missing code_verifier when the code had a challenge", async () => {
    const { challenge } = pkcePair();
    const code = await authorize(sandbox.accountsUrl, { persona: "chart-pop", challenge });
    const expected = {
      status: 400,
      body: { error: "invalid_grant", error_description: "code_verifier was incorrect" },
    };
    const base = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI };
    expect(
      await oauthError(
        await requestToken(sandbox.accountsUrl, { ...base, code_verifier: pkcePair().verifier }),
      ),
    ).toEqual(expected);
    expect(await oauthError(await requestToken(sandbox.accountsUrl, base))).toEqual(expected);
  });

  it("refuses a redirect_uri that differs from the one sent to authorize", async () => {
    const code = await authorize(sandbox.accountsUrl, { persona: "chart-pop" });
    const response = await requestToken(sandbox.accountsUrl, {
      grant_type: "authorization_code",
      code,
      redirect_uri: "http://127.0.0.1:9/elsewhere",
    });
    expect(await oauthError(response)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid redirect URI" },
    });
  });

  it("authenticates the client by Basic header or by client_id and client_secret in the body", async () => {
    for (const authentication of ["basic", "body"] as const) {
      const code = await authorize(sandbox.accountsUrl, { persona: "jazz-soul-nostalgic" });
      const response = await requestToken(
        sandbox.accountsUrl,
        { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
        authentication,
      );
      expect(response.status).toBe(200);
    }
  });

  it("refuses a wrong secret, an unknown client and a secretless client without PKCE with 400 invalid_client, as Spotify", async () => {
    const code = await authorize(sandbox.accountsUrl, { persona: "chart-pop" });
    const form = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI };
    const wrongSecret = await fetch(`${sandbox.accountsUrl}/api/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:nope`).toString("base64")}` },
      body: new URLSearchParams(form),
    });
    expect(await oauthError(wrongSecret)).toEqual({
      status: 400,
      body: { error: "invalid_client", error_description: "Invalid client secret" },
    });
    const wrongBodySecret = await fetch(`${sandbox.accountsUrl}/api/token`, {
      method: "POST",
      body: new URLSearchParams({ ...form, client_id: CLIENT_ID, client_secret: "nope" }),
    });
    expect(wrongBodySecret.status).toBe(400);
    const unknownClient = await fetch(`${sandbox.accountsUrl}/api/token`, {
      method: "POST",
      body: new URLSearchParams({ ...form, client_id: "stranger", client_secret: CLIENT_SECRET }),
    });
    expect(await oauthError(unknownClient)).toEqual({
      status: 400,
      body: { error: "invalid_client", error_description: "Invalid client" },
    });
    const publicWithoutPkce = await requestToken(sandbox.accountsUrl, form, "public");
    expect(await oauthError(publicWithoutPkce)).toEqual({
      status: 400,
      body: { error: "invalid_client", error_description: "Invalid client secret" },
    });
    // None of the refusals used up the code.
    expect((await requestToken(sandbox.accountsUrl, form)).status).toBe(200);
  });

  it("answers unsupported_grant_type for other grants", async () => {
    const response = await requestToken(sandbox.accountsUrl, { grant_type: "client_credentials" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("unsupported_grant_type");
  });
});

describe("refresh", () => {
  it("without rotation: no refresh_token in the answer, and the old one keeps working", async () => {
    sandbox.controls.setRefreshTokenRotation("off");
    const { refresh_token: refreshToken = "" } = await signIn(sandbox, "metalhead");
    for (let round = 0; round < 2; round++) {
      const response = await requestToken(sandbox.accountsUrl, {
        grant_type: "refresh_token",
        refresh_token: refreshToken,
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as TokenBody;
      expect(body).not.toHaveProperty("refresh_token");
      expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
      expect((await getApi(sandbox, "/v1/me", body.access_token)).status).toBe(200);
    }
  });

  it("with rotation: every refresh returns a new refresh token and the old one is refused", async () => {
    sandbox.controls.setRotateRefreshTokens(true);
    const { refresh_token: first = "" } = await signIn(sandbox, "metalhead");
    // PKCE apps refresh with client_id only.
    const refreshed = await requestToken(
      sandbox.accountsUrl,
      { grant_type: "refresh_token", refresh_token: first },
      "public",
    );
    const { refresh_token: second } = (await refreshed.json()) as TokenBody;
    expect(second).toMatch(/^AQ/);
    expect(second).not.toBe(first);
    expect(
      await oauthError(
        await requestToken(sandbox.accountsUrl, { grant_type: "refresh_token", refresh_token: first }),
      ),
    ).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid refresh token" },
    });
    expect(
      (await requestToken(sandbox.accountsUrl, { grant_type: "refresh_token", refresh_token: second ?? "" }))
        .status,
    ).toBe(200);
  });

  it("refuses every refresh token issued before revokeRefreshTokens", async () => {
    const { refresh_token: refreshToken = "" } = await signIn(sandbox, "hip-hop-head");
    sandbox.controls.revokeRefreshTokens();
    expect(
      await oauthError(
        await requestToken(sandbox.accountsUrl, { grant_type: "refresh_token", refresh_token: refreshToken }),
      ),
    ).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Refresh token revoked" },
    });
    const { refresh_token: later = "" } = await signIn(sandbox, "hip-hop-head");
    expect(
      (await requestToken(sandbox.accountsUrl, { grant_type: "refresh_token", refresh_token: later })).status,
    ).toBe(200);
  });

  it("expires refresh tokens a fixed time after consent; refreshing (even with rotation) does not extend it", async () => {
    sandbox.controls.setRotateRefreshTokens(true);
    let { refresh_token: refreshToken = "" } = await signIn(sandbox, "classical-curator");
    clock += (REFRESH_LIFETIME_SECONDS - 10) * 1000;
    const refreshed = await requestToken(sandbox.accountsUrl, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    });
    expect(refreshed.status).toBe(200);
    refreshToken = ((await refreshed.json()) as TokenBody).refresh_token ?? "";
    clock += 10 * 1000;
    const expired = await requestToken(sandbox.accountsUrl, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    });
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("requires a refresh_token and refuses unknown ones", async () => {
    const missing = await requestToken(sandbox.accountsUrl, { grant_type: "refresh_token" });
    expect(await oauthError(missing)).toEqual({
      status: 400,
      body: { error: "invalid_request", error_description: "refresh_token must be supplied" },
    });
    const unknown = await requestToken(sandbox.accountsUrl, {
      grant_type: "refresh_token",
      refresh_token: "AQnope",
    });
    expect(await oauthError(unknown)).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "Invalid refresh token" },
    });
  });
});

describe("access tokens", () => {
  it("expire after expires_in seconds on the sandbox clock", async () => {
    const { access_token: accessToken } = await signIn(sandbox, "chart-pop");
    clock += 3599 * 1000;
    expect((await getApi(sandbox, "/v1/me", accessToken)).status).toBe(200);
    clock += 1000;
    const expired = await getApi(sandbox, "/v1/me", accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: { status: 401, message: "The access token expired" } });
  });

  it("expire at once with expireAccessTokens, while new ones work", async () => {
    const { access_token: accessToken, refresh_token: refreshToken = "" } = await signIn(
      sandbox,
      "chart-pop",
    );
    sandbox.controls.expireAccessTokens();
    const expired = await getApi(sandbox, "/v1/me", accessToken);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: { status: 401, message: "The access token expired" } });
    expect(expired.response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const refreshed = (await (
      await requestToken(sandbox.accountsUrl, { grant_type: "refresh_token", refresh_token: refreshToken })
    ).json()) as TokenBody;
    expect((await getApi(sandbox, "/v1/me", refreshed.access_token)).status).toBe(200);
  });
});

describe("registered redirect URIs", () => {
  it("refuses a redirect_uri the client did not register, as Spotify does", async () => {
    const registered = await startSandbox({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [REDIRECT_URI],
    });
    try {
      const elsewhere = authorizeUrl(registered.accountsUrl, { persona: "metalhead" }).replace(
        encodeURIComponent(REDIRECT_URI),
        encodeURIComponent("https://evil.example/collect"),
      );
      const refused = await fetch(elsewhere, { redirect: "manual" });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("INVALID_CLIENT: Invalid redirect URI");
      const allowed = await fetch(authorizeUrl(registered.accountsUrl, { persona: "metalhead" }), {
        redirect: "manual",
      });
      expect(allowed.status).toBe(302);
    } finally {
      await registered.close();
    }
  });
});

/** RFC 6749 §2.3.1 / Appendix B: each credential is form-urlencoded (UTF-8) before base64. */
function basicHeader(id: string, secret: string, encode: boolean): string {
  const form = (value: string) => (encode ? new URLSearchParams([["", value]]).toString().slice(1) : value);
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`, "utf8").toString("base64")}`;
}

describe("client credentials in the Basic header (RFC 6749 §2.3.1)", () => {
  const SPECIAL_SECRET = "p+ss%41:wörd ☃/=?&";
  let special: RunningSandbox;
  beforeAll(async () => {
    special = await startSandbox({ clientId: "id:with+colon", clientSecret: SPECIAL_SECRET });
  });
  afterAll(async () => {
    await special.close();
  });

  async function exchangeWith(authorization: string) {
    const code = await (async () => {
      const url = new URL(authorizeUrl(special.accountsUrl, { persona: "metalhead" }));
      url.searchParams.set("client_id", "id:with+colon");
      const response = await fetch(url, { redirect: "manual" });
      return new URL(response.headers.get("location") ?? "").searchParams.get("code") ?? "";
    })();
    return fetch(`${special.accountsUrl}/api/token`, {
      method: "POST",
      headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI }),
    });
  }

  it("decodes form-urlencoded credentials, so '+', '%', ':' and non-ASCII work", async () => {
    const response = await exchangeWith(basicHeader("id:with+colon", SPECIAL_SECRET, true));
    expect(response.status).toBe(200);
  });

  it("refuses credentials that were not form-urlencoded with Spotify's 400 invalid_client", async () => {
    // Unencoded, the id's ":" ends the id early, so the client is unknown.
    expect(await oauthError(await exchangeWith(basicHeader("id:with+colon", SPECIAL_SECRET, false)))).toEqual(
      {
        status: 400,
        body: { error: "invalid_client", error_description: "Invalid client" },
      },
    );
    // An encoded id with an unencoded secret: "+" reads as a space and "%41" as "A".
    const half = `Basic ${Buffer.from(
      `${new URLSearchParams([["", "id:with+colon"]]).toString().slice(1)}:${SPECIAL_SECRET}`,
    ).toString("base64")}`;
    expect(await oauthError(await exchangeWith(half))).toEqual({
      status: 400,
      body: { error: "invalid_client", error_description: "Invalid client secret" },
    });
  });

  it("refuses a header that is not base64 of id:secret, or holds a malformed escape", async () => {
    for (const authorization of [
      "Basic !!!",
      `Basic ${Buffer.from("no-colon").toString("base64")}`,
      `Basic ${Buffer.from("id%3Awith%2Bcolon:%zz").toString("base64")}`,
      `Basic ${Buffer.from([0x69, 0x64, 0x3a, 0xff]).toString("base64")}`,
    ]) {
      const refused = await exchangeWith(authorization);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe("invalid_client");
    }
  });
});

describe("access token lifetime", () => {
  it("issues tokens for SandboxOptions.accessTokenTtlSeconds, expiring on the sandbox clock", async () => {
    let now = START;
    const short = await startSandbox({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      accessTokenTtlSeconds: 120,
      now: () => now,
    });
    try {
      const tokens = await signIn(short, "metalhead");
      expect(tokens.expires_in).toBe(120);
      now += 119_000;
      expect((await getApi(short, "/v1/me", tokens.access_token)).status).toBe(200);
      now += 1_000;
      expect((await getApi(short, "/v1/me", tokens.access_token)).status).toBe(401);
      short.controls.setAccessTokenTtl(30);
      const refreshed = await requestToken(short.accountsUrl, {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token ?? "",
      });
      expect(((await refreshed.json()) as TokenBody).expires_in).toBe(30);
    } finally {
      await short.close();
    }
  });

  it("can leave expires_in out, as RFC 6749 §5.1 allows; the token still lasts the configured time", async () => {
    sandbox.controls.setOmitExpiresIn(true);
    const tokens = await signIn(sandbox, "chart-pop");
    expect(tokens).not.toHaveProperty("expires_in");
    expect(tokens).toHaveProperty("refresh_token");
    clock += 3599_000;
    expect((await getApi(sandbox, "/v1/me", tokens.access_token)).status).toBe(200);
  });
});

describe("refresh token rotation and reuse detection", () => {
  async function refreshWith(refreshToken: string) {
    const response = await requestToken(sandbox.accountsUrl, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    });
    return { status: response.status, body: (await response.json()) as TokenBody & { error?: string } };
  }

  it('rotates on every second refresh by default ("sometimes"), so both answers occur', async () => {
    const { refresh_token: first = "" } = await signIn(sandbox, "metalhead");
    const one = await refreshWith(first);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty("refresh_token");
    const two = await refreshWith(first);
    expect(two.body.refresh_token).toMatch(/^AQ/);
    expect(two.body.refresh_token).not.toBe(first);
    expect((await refreshWith(first)).body).toEqual({
      error: "invalid_grant",
      error_description: "Invalid refresh token",
    });
    // Without reuse detection, presenting the old one changed nothing for the new one.
    const three = await refreshWith(two.body.refresh_token ?? "");
    expect(three.status).toBe(200);
    expect(three.body).not.toHaveProperty("refresh_token");
    expect((await getApi(sandbox, "/v1/me", three.body.access_token)).status).toBe(200);
  });

  it("with reuse detection, presenting a rotated-away refresh token revokes the whole grant", async () => {
    sandbox.controls.setRefreshTokenRotation("always");
    sandbox.controls.setRefreshTokenReuseDetection(true);
    const { refresh_token: first = "" } = await signIn(sandbox, "hip-hop-head");
    const other = await signIn(sandbox, "hip-hop-head"); // a second consent: another grant
    const rotated = await refreshWith(first);
    const current = rotated.body.refresh_token ?? "";
    expect(current).not.toBe(first);

    expect((await refreshWith(first)).body).toMatchObject({ error: "invalid_grant" });
    expect((await refreshWith(current)).body).toEqual({
      error: "invalid_grant",
      error_description: "Refresh token revoked",
    });
    expect((await getApi(sandbox, "/v1/me", rotated.body.access_token)).status).toBe(401);
    // Only that grant: the other consent's tokens still work.
    expect((await refreshWith(other.refresh_token ?? "")).status).toBe(200);
    expect((await getApi(sandbox, "/v1/me", other.access_token)).status).toBe(200);
  });

  it("a refresh that took effect but whose answer was lost leaves only a rotated-away token: presenting it again revokes the grant", async () => {
    sandbox.controls.setRefreshTokenRotation("always");
    sandbox.controls.setRefreshTokenReuseDetection(true);
    const { refresh_token: first = "", access_token: accessToken } = await signIn(sandbox, "chart-pop");
    sandbox.controls.failAfterActingNext(1, 502, "accounts");
    expect(await refreshWith(first)).toEqual({
      status: 502,
      body: { error: "server_error", error_description: "Bad gateway" },
    });
    // What a blind retry does:
    expect((await refreshWith(first)).body).toMatchObject({ error: "invalid_grant" });
    expect((await getApi(sandbox, "/v1/me", accessToken)).status).toBe(401);
  });

  it("a 5xx or 429 before acting leaves the refresh token as it was", async () => {
    sandbox.controls.setRefreshTokenRotation("always");
    sandbox.controls.setRefreshTokenReuseDetection(true);
    const { refresh_token: first = "" } = await signIn(sandbox, "classical-curator");
    sandbox.controls.failNext(1, 503, "accounts", 2);
    const unavailable = await requestToken(sandbox.accountsUrl, {
      grant_type: "refresh_token",
      refresh_token: first,
    });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("2");
    sandbox.controls.rateLimitNext(1, 1, "accounts");
    expect((await refreshWith(first)).status).toBe(429);
    const refreshed = await refreshWith(first);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toMatch(/^AQ/);
  });
});

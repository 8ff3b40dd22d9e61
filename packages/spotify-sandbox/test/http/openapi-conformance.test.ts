import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSandbox,
  type RunningSandbox,
  startSandbox,
  USER_NOT_REGISTERED_MESSAGE,
} from "../../src/index.js";
import { describedPath, type WireValidator, wireValidator } from "../openapi/wire-schemas.js";
import {
  authorize,
  CLIENT_ID,
  CLIENT_SECRET,
  pkcePair,
  REDIRECT_URI,
  requestToken,
  signIn,
  type TokenBody,
} from "../sign-in.js";

/**
 * Everything the sandbox serves, checked against Spotify's published OpenAPI description (see
 * fixtures/spotify-openapi and test/openapi/wire-schemas.ts for how it is applied), so the sandbox cannot
 * drift from Spotify's wire format: every persona's profile, every page of their top lists, their recently
 * played walked by cursor to its empty end, in both modes; the Web API's errors; the token endpoint.
 */

const NOW = Date.UTC(2026, 10, 20, 18, 30);
const TIME_RANGES = ["short_term", "medium_term", "long_term"] as const;
const extended = wireValidator("extended-quota");
const development = wireValidator("development-mode");

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now: () => NOW });
});
afterAll(async () => {
  await sandbox.close();
});

interface Answer {
  readonly url: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

async function get(url: string, token: string | undefined): Promise<Answer> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  const contentType = response.headers.get("content-type");
  return {
    url,
    status: response.status,
    contentType,
    body: contentType?.startsWith("application/json") ? JSON.parse(text) : text,
  };
}

/** Asserts that an answer is JSON and conforms; returns its body. */
function conforms(validator: WireValidator, answer: Answer): Record<string, unknown> {
  expect(answer.contentType, answer.url).toBe("application/json; charset=utf-8");
  const path = describedPath(new URL(answer.url).pathname);
  expect(validator.webApi(path, answer.status, answer.body), `${answer.status} ${answer.url}`).toEqual([]);
  return answer.body as Record<string, unknown>;
}

/** Every page of a listener's data, following `next` links; returns how many answers were checked. */
async function walkListener(validator: WireValidator, token: string): Promise<number> {
  const api = `${sandbox.apiUrl}/v1`;
  let checked = 0;
  const check = async (url: string) => {
    checked++;
    const answer = await get(url, token);
    expect(answer.status, url).toBe(200);
    return conforms(validator, answer);
  };
  await check(`${api}/me`);
  for (const kind of ["artists", "tracks"]) {
    for (const range of TIME_RANGES) {
      let next: unknown = `${api}/me/top/${kind}?time_range=${range}&limit=20`;
      while (typeof next === "string") next = (await check(next)).next;
    }
  }
  // Backwards through recently played by `before` cursor, then one page past the end: no items,
  // next and cursors null.
  let page = await check(`${api}/me/player/recently-played?limit=20`);
  let oldest = "";
  while (typeof page.next === "string") {
    oldest = (page.cursors as { before: string }).before;
    page = await check(page.next);
  }
  const lastCursors = page.cursors as { before: string } | null;
  if (lastCursors) oldest = lastCursors.before;
  if (oldest) {
    const empty = await check(`${api}/me/player/recently-played?before=${oldest}&limit=20`);
    expect(empty).toMatchObject({ items: [], next: null, cursors: null });
    await check(`${api}/me/player/recently-played?after=${oldest}&limit=5`);
  }
  return checked;
}

const LISTENERS = [
  ...createSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }).personas.map(
    (persona) => persona.id,
  ),
  "seed:1",
  "seed:424242",
];

describe("the Web API's 200 answers conform to the published schemas", () => {
  it("with extended quota: every persona, every page, every cursor", async () => {
    let checked = 0;
    for (const persona of LISTENERS) {
      checked += await walkListener(extended, (await signIn(sandbox, persona)).access_token);
    }
    expect(checked).toBeGreaterThan(LISTENERS.length * 10);
  });

  it("in development mode: the same, without the removed fields (five listeners at a time)", async () => {
    for (let start = 0; start < LISTENERS.length; start += 5) {
      sandbox.controls.reset(); // a fresh dashboard list for the next five
      sandbox.controls.setDevelopmentMode(true);
      for (const persona of LISTENERS.slice(start, start + 5)) {
        await walkListener(development, (await signIn(sandbox, persona)).access_token);
      }
    }
    sandbox.controls.reset();
  });

  it("the validators are not vacuous: a removed or undocumented field fails them", async () => {
    const { access_token: token } = await signIn(sandbox, "metalhead");
    const answer = await get(`${sandbox.apiUrl}/v1/me/top/artists?limit=2`, token);
    const page = answer.body as { items: Record<string, unknown>[] };
    expect(development.webApi("/me/top/artists", 200, page)).toContainEqual(
      expect.stringMatching(/^\/items\/0 must NOT have unevaluated properties/),
    );
    const extra = { ...page, items: [{ ...page.items[0], label: "x" }] };
    expect(extended.webApi("/me/top/artists", 200, extra)).not.toEqual([]);
    const missing = { ...page, items: [{ ...page.items[0], popularity: undefined }] };
    expect(extended.webApi("/me/top/artists", 200, JSON.parse(JSON.stringify(missing)))).not.toEqual([]);
  });
});

describe("the Web API's errors conform", () => {
  it("400, 401, 403, 404, 429 (rate limit and quota) and 5xx carry the error object", async () => {
    const api = `${sandbox.apiUrl}/v1`;
    const { access_token: token } = await signIn(sandbox, "chart-pop");
    const { access_token: profileOnly } = await signIn(sandbox, "chart-pop", ["user-read-email"]);
    const cases: [string, string | undefined, number, () => void][] = [
      [`${api}/me/top/artists?limit=51`, token, 400, () => {}],
      [`${api}/me/player/recently-played?before=1&after=2`, token, 400, () => {}],
      [`${api}/me`, undefined, 401, () => {}],
      [`${api}/me/top/tracks`, "BQunknown", 401, () => {}],
      [`${api}/me/top/tracks`, profileOnly, 403, () => {}],
      [`${api}/me/albums`, token, 404, () => {}],
      [`${api}/me`, token, 429, () => sandbox.controls.rateLimitNext(1, 5)],
      [`${api}/me/top/artists`, token, 429, () => sandbox.controls.exceedQuotaNext(1, 3600)],
      [`${api}/me/player/recently-played`, token, 503, () => sandbox.controls.failNext(1, 503)],
      [`${api}/me/top/tracks`, token, 502, () => sandbox.controls.failAfterActingNext(1, 502)],
    ];
    for (const [url, bearer, status, arrange] of cases) {
      arrange();
      const answer = await get(url, bearer);
      expect(answer.status, url).toBe(status);
      // /me/albums is not in the subset: its 404 is checked as /me's.
      conforms(extended, url.endsWith("/albums") ? { ...answer, url: `${api}/me` } : answer);
    }
  });

  it("except development mode's 403 for an unregistered listener, which Spotify sends as plain text", async () => {
    sandbox.controls.reset();
    sandbox.controls.setDevelopmentMode(true);
    try {
      for (let index = 0; index < 5; index++)
        await signIn(sandbox, `seed:${900 + index}`).then(async (t) => {
          expect((await get(`${sandbox.apiUrl}/v1/me`, t.access_token)).status).toBe(200);
        });
      const { access_token: sixth } = await signIn(sandbox, "seed:999");
      const answer = await get(`${sandbox.apiUrl}/v1/me`, sixth);
      expect(answer).toMatchObject({
        status: 403,
        contentType: "text/plain; charset=utf-8",
        body: USER_NOT_REGISTERED_MESSAGE,
      });
    } finally {
      sandbox.controls.reset();
    }
  });
});

describe("the token endpoint conforms to RFC 6749 §5 and to what Spotify sends", () => {
  async function token(form: Record<string, string>, authentication?: "basic" | "public") {
    const response = await requestToken(sandbox.accountsUrl, form, authentication);
    return { response, body: (await response.json()) as TokenBody & Record<string, unknown> };
  }

  function successConforms(response: Response, body: unknown, validators: readonly WireValidator[]) {
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    for (const validator of validators) {
      expect(validator.tokenEndpoint("rfc6749_success", body)).toEqual([]);
      expect(validator.tokenEndpoint("spotify_success", body)).toEqual([]);
    }
  }

  it("code exchange (confidential and PKCE) and refresh, with and without a rotated refresh token", async () => {
    const code = await authorize(sandbox.accountsUrl, { persona: "metalhead" });
    const confidential = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    successConforms(confidential.response, confidential.body, [extended]);
    expect(confidential.body.refresh_token).toBeTruthy(); // x-authorization-code-requires

    const { verifier, challenge } = pkcePair();
    const pkceCode = await authorize(sandbox.accountsUrl, { persona: "chart-pop", challenge });
    const pkce = await token(
      {
        grant_type: "authorization_code",
        code: pkceCode,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      },
      "public",
    );
    successConforms(pkce.response, pkce.body, [extended]);

    const refreshToken = confidential.body.refresh_token ?? "";
    const kept = await token({ grant_type: "refresh_token", refresh_token: refreshToken });
    successConforms(kept.response, kept.body, [extended]);
    expect(kept.body).not.toHaveProperty("refresh_token");
    const rotated = await token({ grant_type: "refresh_token", refresh_token: refreshToken });
    successConforms(rotated.response, rotated.body, [extended]);
    expect(rotated.body.refresh_token).toBeTruthy();
  });

  it("with expires_in left out, still a valid RFC 6749 answer (Spotify always sends it)", async () => {
    sandbox.controls.setOmitExpiresIn(true);
    try {
      const code = await authorize(sandbox.accountsUrl, { persona: "metalhead" });
      const { body } = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
      expect(extended.tokenEndpoint("rfc6749_success", body)).toEqual([]);
      expect(extended.tokenEndpoint("spotify_success", body)).not.toEqual([]);
    } finally {
      sandbox.controls.reset();
    }
  });

  it("its 4xx errors use RFC 6749's codes and Spotify's fields; 429 and 5xx at least Spotify's fields", async () => {
    const errors = [
      await token({ grant_type: "refresh_token", refresh_token: "AQnope" }),
      await token({ grant_type: "refresh_token" }),
      await token({ grant_type: "client_credentials" }),
      await token({ grant_type: "authorization_code", code: "AQnope", redirect_uri: REDIRECT_URI }),
      await token({ grant_type: "refresh_token", refresh_token: "AQnope" }, "public"),
    ];
    const wrongSecret = await fetch(`${sandbox.accountsUrl}/api/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: CLIENT_ID, client_secret: "no" }),
    });
    errors.push({ response: wrongSecret, body: await wrongSecret.json() });
    for (const { response, body } of errors) {
      expect(response.status).toBe(400);
      expect(extended.tokenEndpoint("rfc6749_error", body)).toEqual([]);
      expect(extended.tokenEndpoint("spotify_error", body)).toEqual([]);
    }
    expect(new Set(errors.map(({ body }) => body.error))).toEqual(
      new Set(["invalid_grant", "invalid_request", "unsupported_grant_type", "invalid_client"]),
    );

    sandbox.controls.rateLimitNext(1, 2, "accounts");
    sandbox.controls.failNext(1, 503, "accounts");
    for (const status of [429, 503]) {
      const { response, body } = await token({ grant_type: "refresh_token", refresh_token: "AQnope" });
      expect(response.status).toBe(status);
      expect(extended.tokenEndpoint("spotify_error", body)).toEqual([]);
    }
  });
});

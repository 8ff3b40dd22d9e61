import { type AppRouter, appRouter } from "@unwrapped/api";
import { createClient, signInWithPersona, waitForAnalysis } from "@unwrapped/client";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.js";

/**
 * Property-based: generated hostile input thrown at every tRPC procedure and every HTTP route, on the
 * database the run uses (PGlite, or PostgreSQL with TEST_DATABASE_URL). Whatever arrives, the answer is
 * never a 5xx. Run counts stay modest so the suite stays fast; fast-check's seed is printed on failure.
 */
const RUNS = 12;

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string().map((value) => `${value}\u0000`),
  fc.tuple(fc.string(), fc.string()).map(([before, after]) => `${before}\u0000${after}`),
  fc.constantFrom(
    "\u0000",
    "-".repeat(36),
    "00000000-0000-0000-0000-000000000000",
    "6f1c2b1e-8a9d-4c3b-9f0a-1b2c3d4e5f60",
    "9".repeat(600),
    "'; drop table users; --",
    "%00",
    "\ud800",
    "-271821-04-20T00:00:00.000Z",
    Buffer.from(`-271821-04-20T00:00:00.000Z|${"-".repeat(36)}`).toString("base64url"),
    Buffer.from("2026-01-01T00:00:00.000Z|6f1c2b1e-8a9d-4c3b-9f0a-1b2c3d4e5f6\u0000").toString("base64url"),
    "__proto__",
  ),
);

const hostileValue = fc.oneof(
  { arbitrary: hostileString, weight: 5 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
);

const INPUT_KEYS = [
  "code",
  "refreshToken",
  "analysisId",
  "cursor",
  "limit",
  "fresh",
  "tone",
  "lastEventId",
  "token",
];

/** The tRPC input: shaped like ours (known keys, hostile values), or anything JSON at all. */
const hostileInput = fc.oneof(
  {
    arbitrary: fc.record(Object.fromEntries(INPUT_KEYS.map((key) => [key, hostileValue])), {
      requiredKeys: [],
    }),
    weight: 4,
  },
  { arbitrary: fc.dictionary(hostileString, hostileValue, { maxKeys: 3 }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
);

/** How the input travels: superjson-shaped, with random superjson meta, or not superjson at all. */
const envelope = fc.oneof(
  hostileInput.map((json) => ({ json })),
  fc.tuple(hostileInput, fc.jsonValue({ maxDepth: 3 })).map(([json, values]) => ({ json, meta: { values } })),
  hostileInput,
);

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[^A-Za-z0-9]/g, "%"); // lone surrogates: malformed percent-encoding on purpose
  }
}

describe("hostile input never gets a 5xx", () => {
  let server: TestServer;
  let accessToken: string;
  let analysisId: string;
  let shareToken: string;
  beforeAll(async () => {
    server = await startTestServer();
    const session = await signInWithPersona({ url: server.url, persona: "metalhead" });
    accessToken = session.accessToken;
    const client = createClient({ url: server.url, accessToken });
    analysisId = (await client.analysis.begin.mutate()).analysisId;
    await waitForAnalysis(client, { analysisId });
    shareToken = (await client.analysis.result.query({ analysisId })).shareToken ?? "";
  });
  afterAll(async () => {
    await server.close();
  });

  const procedures = Object.entries(
    (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: string } }> } })._def
      .procedures,
  ).map(([path, procedure]) => ({ path, type: procedure._def.type }));

  it("covers every procedure of the router", () => {
    expect(procedures.map((procedure) => procedure.path)).toEqual(
      expect.arrayContaining([
        "auth.exchange",
        "analysis.history",
        "analysis.watch",
        "share.get",
        "account.delete",
      ]),
    );
  });

  for (const { path, type } of procedures) {
    it(`${type} ${path}`, async () => {
      // account.delete with the run's token would end the run's user: it gets no or a garbage token.
      const auth = fc.constantFrom<"none" | "valid" | "garbage">(
        ...(path === "account.delete"
          ? (["none", "garbage"] as const)
          : (["none", "valid", "garbage"] as const)),
      );
      await fc.assert(
        fc.asyncProperty(envelope, auth, fc.boolean(), async (body, who, wrongMethod) => {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (who === "valid") headers.authorization = `Bearer ${accessToken}`;
          if (who === "garbage") headers.authorization = "Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA";
          const asGet = type === "mutation" ? wrongMethod : !wrongMethod || type === "subscription";
          const text = JSON.stringify(body) ?? "null";
          const response = asGet
            ? await fetch(`${server.url}/trpc/${path}?input=${encode(text)}`, { headers })
            : await fetch(`${server.url}/trpc/${path}`, { method: "POST", headers, body: text });
          await response.body?.cancel();
          expect(response.status, `${path} ${text.slice(0, 200)}`).toBeLessThan(500);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("batches of procedures with hostile inputs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...procedures.filter((p) => p.type === "query").map((p) => p.path)), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(envelope, { maxLength: 12 }),
        async (paths, inputs) => {
          const input = Object.fromEntries(inputs.map((value, index) => [index, value]));
          const response = await fetch(
            `${server.url}/trpc/${paths.join(",")}?batch=1&input=${encode(JSON.stringify(input))}`,
            { headers: { authorization: `Bearer ${accessToken}` } },
          );
          await response.body?.cancel();
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
  });

  /** Every HTTP route outside /trpc, with hostile query strings and path segments. */
  const routes: ((value: string, other: string) => string)[] = [
    () => "/healthz",
    () => "/readyz",
    (value) => `/?error=${encode(value)}`,
    (value) => `/auth/spotify/login?redirect_to=${encode(value)}`,
    (value) => `/auth/spotify/login?redirect_to=${encode(`http://127.0.0.1:9/${value}`)}`,
    (value, other) => `/auth/spotify/callback?code=${encode(value)}&state=${encode(other)}`,
    (value, other) =>
      `/auth/spotify/callback?error=${encode(value)}&state=${encode(other)}&state=${encode(value)}`,
    (value) => `/s/${encode(value)}`,
    (value) => `/s/${shareToken}${encode(value)}`,
    (value) => `/${encode(value)}`,
    (value) =>
      `/sandbox/spotify/accounts/authorize?client_id=${encode(value)}&redirect_uri=${encode(value)}&state=${encode(value)}`,
    (value) => `/sandbox/spotify/api/v1/me/top/artists?limit=${encode(value)}&time_range=${encode(value)}`,
    (value) => `/sandbox/spotify/personas?${encode(value)}=${encode(value)}`,
  ];

  it("GET routes with hostile query strings and path segments", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        hostileString,
        hostileString,
        async (route, value, other) => {
          const url = `${server.url}${route(value, other)}`;
          const response = await fetch(url, {
            redirect: "manual",
            headers: { authorization: `Bearer ${value.replace(/[^\x21-\x7e]/g, "")}x` },
          });
          await response.body?.cancel();
          expect(response.status, url.slice(0, 300)).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it("POST bodies to the sandbox's token endpoint and to non-POST routes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/sandbox/spotify/accounts/api/token", "/healthz", "/auth/spotify/callback", "/s/x"),
        fc.constantFrom(
          "application/x-www-form-urlencoded",
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded; charset=utf-7",
        ),
        hostileString,
        async (path, contentType, body) => {
          const response = await fetch(`${server.url}${path}`, {
            method: "POST",
            headers: { "content-type": contentType },
            body: `grant_type=${encode(body)}&code=${encode(body)}&${body}`,
          });
          await response.body?.cancel();
          expect(response.status, `${path} ${contentType}`).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it("the run's listener is still signed in and well", async () => {
    const client = createClient({ url: server.url, accessToken });
    await expect(client.analysis.result.query({ analysisId })).resolves.toMatchObject({ analysisId });
  });
});

export type { AppRouter };

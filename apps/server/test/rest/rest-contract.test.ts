import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginCode, startTestServer, type TestServer } from "../support/test-server.js";

interface ResponseObject {
  $ref?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Record<string, unknown> }>;
}
interface Operation {
  operationId: string;
  responses: Record<string, ResponseObject>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, ResponseObject>; schemas: Record<string, unknown> };
}
interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A call over plain fetch, as curl or a script in any language makes it: no tRPC client, no superjson. */
async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    token?: string;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const url = new URL(`${baseUrl}/api/v1${path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  const response = await fetch(url, {
    method,
    headers,
    body:
      options.body === undefined
        ? null
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  const json = response.headers.get("content-type")?.startsWith("application/json")
    ? JSON.parse(text)
    : undefined;
  return { status: response.status, headers: response.headers, body: json, text };
}

/** The events of a text/event-stream body: `id` and the parsed `data` of each, and any `event: error`. */
function parseEvents(text: string): { id: string | null; event: string | null; data: unknown }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const fields = new Map(
        block
          .split("\n")
          .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
      );
      return {
        id: fields.get("id") ?? null,
        event: fields.get("event") ?? null,
        data: JSON.parse(fields.get("data") ?? "null"),
      };
    });
}

describe("every operation of the OpenAPI document, called over plain HTTP", () => {
  let server: TestServer;
  let document: Document;
  let ajv: Ajv2020;
  const called = new Set<string>();

  beforeAll(async () => {
    server = await startTestServer();
    document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Document;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ ...document, $id: "openapi" });
  });
  afterAll(async () => {
    await server.close();
  });

  function operationOf(method: string, template: string): Operation {
    const operation = document.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${template} is not in the document`);
    return operation;
  }

  /** A JSON pointer segment (RFC 6901). */
  const pointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

  /** Where in the document the response of a status is, its `$ref` followed: "#/paths/…" or "#/components/…". */
  function documentedResponse(operation: Operation, status: number, at: string): [string, ResponseObject] {
    const response = operation.responses[String(status)];
    if (!response) throw new Error(`${operation.operationId} does not document ${status}`);
    if (!response.$ref) return [`${at}/responses/${status}`, response];
    const resolved = document.components.responses[response.$ref.replace("#/components/responses/", "")];
    if (!resolved) throw new Error(`unresolved ${response.$ref}`);
    return [response.$ref, resolved];
  }

  /** Validates a value against the schema at a pointer into the document (its $refs resolve there). */
  function expectMatches(schemaPointer: string, value: unknown, what: string): void {
    const validateValue = ajv.compile({ $ref: `openapi${schemaPointer}` });
    const valid = validateValue(value);
    expect(valid ? [] : { what, errors: validateValue.errors }).toEqual([]);
  }

  /**
   * Calls an operation (its path template with the values filled in) and checks that the status is the
   * expected one, that the operation documents it, and that the body matches the documented schema.
   */
  async function expectOperation(
    method: string,
    template: string,
    expected: number,
    options: Parameters<typeof call>[3] & { path?: Record<string, string> } = {},
  ): Promise<Answer> {
    const operation = operationOf(method, template);
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(options.path?.[name] ?? ""),
    );
    const answer = await call(server.url, method, path, options);
    expect({ operation: operation.operationId, status: answer.status, body: answer.body }).toMatchObject({
      status: expected,
    });
    const [at, response] = documentedResponse(
      operation,
      answer.status,
      `#/paths/${pointer(template)}/${method.toLowerCase()}`,
    );
    const [contentType] = Object.keys(response.content ?? {});
    expect(answer.headers.get("content-type")).toContain(contentType);
    if (contentType === "application/json") {
      expectMatches(`${at}/content/${pointer(contentType)}/schema`, answer.body, operation.operationId);
    }
    if (expected < 400) called.add(`${method.toLowerCase()} ${template}`);
    return answer;
  }

  it("walks the journey through every operation: sign-in, begin, events, status, result, shares, account", async () => {
    const health = await expectOperation("GET", "/health", 200);
    expect(health.body).toMatchObject({ status: "ok" });

    const exchanged = await expectOperation("POST", "/auth/exchange", 200, {
      body: { code: await loginCode(server.url, "metalhead") },
    });
    const session = exchanged.body as {
      accessToken: string;
      refreshToken: string;
      accessTokenExpiresAt: string;
    };
    expect(session.accessTokenExpiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const token = session.accessToken;

    await expectOperation("GET", "/auth/me", 200, { token });
    const begun = await expectOperation("POST", "/analysis/begin", 200, { token, body: { tone: "savage" } });
    const analysisId = (begun.body as { analysisId: string }).analysisId;

    // The stream ends by itself after the terminal status: no polling, no sleeping.
    const stream = await expectOperation("GET", "/analysis/{id}/events", 200, {
      token,
      path: { id: analysisId },
    });
    const events = parseEvents(stream.text);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      expect(event.event).toBeNull();
      expect(event.id).toMatch(/^\d+$/);
      expectMatches("#/components/schemas/AnalysisStatus", event.data, "analysis event");
    }
    expect(events.at(-1)?.data).toMatchObject({ analysisId, status: "completed" });
    const resumed = await expectOperation("GET", "/analysis/{id}/events", 200, {
      token,
      path: { id: analysisId },
      headers: { "last-event-id": events.at(-1)?.id ?? "" },
    });
    expect(parseEvents(resumed.text)).toEqual([]);

    const status = await expectOperation("GET", "/analysis/status", 200, { token, query: { analysisId } });
    expect(status.body).toMatchObject({ status: "completed", stage: "done" });
    const result = await expectOperation("GET", "/analysis/result", 200, { token, query: { analysisId } });
    const verdict = result.body as { shareToken: string; tone: string; analyzedAt: string };
    expect(verdict.tone).toBe("savage");
    const history = await expectOperation("GET", "/analysis/history", 200, { token, query: { limit: "5" } });
    expect((history.body as { items: unknown[] }).items).toHaveLength(1);

    const shared = await expectOperation("GET", "/share/{token}", 200, {
      path: { token: verdict.shareToken },
    });
    expect(shared.body).toMatchObject({ analyzedAt: verdict.analyzedAt });
    const rotated = await expectOperation("POST", "/share/rotate", 200, { token, body: { analysisId } });
    expect((rotated.body as { shareToken: string }).shareToken).not.toBe(verdict.shareToken);

    // A friend compares their taste with the (rotated) share link, before it is revoked.
    const friend = await call(server.url, "POST", "/auth/exchange", {
      body: { code: await loginCode(server.url, "indie-obscurist") },
    });
    const friendToken = (friend.body as { accessToken: string }).accessToken;
    const friendBegun = await call(server.url, "POST", "/analysis/begin", { token: friendToken, body: {} });
    const friendAnalysis = (friendBegun.body as { analysisId: string }).analysisId;
    await call(server.url, "GET", `/analysis/${friendAnalysis}/events`, { token: friendToken });
    const created = await expectOperation("POST", "/matches", 200, {
      token: friendToken,
      body: { shareToken: (rotated.body as { shareToken: string }).shareToken },
    });
    const match = created.body as { matchId: string; shareToken: string; compatibility: number };
    expect(match.compatibility).toBeGreaterThanOrEqual(0);
    expect(match.compatibility).toBeLessThanOrEqual(1);
    const fetched = await expectOperation("GET", "/matches/{matchId}", 200, {
      token: friendToken,
      path: { matchId: match.matchId },
    });
    expect(fetched.body).toMatchObject({ matchId: match.matchId, compatibility: match.compatibility });
    await expectOperation("GET", "/matches/{matchId}", 404, { token, path: { matchId: match.matchId } });
    const matches = await expectOperation("GET", "/matches", 200, {
      token: friendToken,
      query: { limit: "5" },
    });
    expect((matches.body as { items: { matchId: string }[] }).items.map((item) => item.matchId)).toEqual([
      match.matchId,
    ]);
    const publicMatch = await expectOperation("GET", "/matches/shared/{token}", 200, {
      path: { token: match.shareToken },
    });
    expect(publicMatch.body).not.toHaveProperty("matchId");
    const rotatedMatch = await expectOperation("POST", "/matches/{matchId}/share/rotate", 200, {
      token: friendToken,
      path: { matchId: match.matchId },
    });
    expect((rotatedMatch.body as { shareToken: string }).shareToken).not.toBe(match.shareToken);
    await expectOperation("GET", "/matches/shared/{token}", 404, { path: { token: match.shareToken } });
    await expectOperation("POST", "/matches/{matchId}/share/revoke", 200, {
      token: friendToken,
      path: { matchId: match.matchId },
    });
    await expectOperation("DELETE", "/matches/{matchId}", 200, {
      token: friendToken,
      path: { matchId: match.matchId },
    });
    await expectOperation("GET", "/matches/{matchId}", 404, {
      token: friendToken,
      path: { matchId: match.matchId },
    });

    await expectOperation("POST", "/share/revoke", 200, { token, body: { analysisId } });
    await expectOperation("GET", "/share/{token}", 404, { path: { token: verdict.shareToken } });
    await expectOperation("POST", "/matches", 404, {
      token: friendToken,
      body: { shareToken: (rotated.body as { shareToken: string }).shareToken },
    });

    const refreshed = await expectOperation("POST", "/auth/refresh", 200, {
      body: { refreshToken: session.refreshToken },
    });
    const renewed = refreshed.body as { accessToken: string; refreshToken: string };
    await expectOperation("POST", "/account/disconnect-spotify", 200, {
      token: renewed.accessToken,
      body: {},
    });
    await expectOperation("POST", "/auth/logout", 200, { body: { refreshToken: renewed.refreshToken } });

    const other = await call(server.url, "POST", "/auth/exchange", {
      body: { code: await loginCode(server.url, "new-listener") },
    });
    await expectOperation("DELETE", "/account", 200, {
      token: (other.body as { accessToken: string }).accessToken,
    });

    const documented = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.keys(item).map((method) => `${method} ${template}`),
    );
    expect([...called].sort()).toEqual(documented.sort());
  });

  it("checks bodies for real: a body unlike its schema fails validation", () => {
    const validateStatus = ajv.compile({ $ref: "openapi#/components/schemas/AnalysisStatus" });
    expect(validateStatus({ analysisId: "x", status: "done" })).toBe(false);
    const validateError = ajv.compile({ $ref: "openapi#/components/schemas/Error" });
    expect(validateError({ code: "NOT_FOUND", message: "gone" })).toBe(true);
    expect(validateError({ code: "NOT_FOUND", message: "gone", fieldErrors: { a: "not a list" } })).toBe(
      false,
    );
  });

  it("answers 401 with the error body and WWW-Authenticate, without a token or with a bad one", async () => {
    const missing = await expectOperation("GET", "/auth/me", 401);
    expect(missing.body).toEqual({ code: "UNAUTHORIZED", message: expect.any(String) });
    expect(missing.headers.get("www-authenticate")).toBe(
      'Bearer error="invalid_token", error_description="missing"',
    );
    const bad = await expectOperation("GET", "/analysis/status", 401, { token: "not-a-token" });
    expect(bad.body).toMatchObject({ code: "UNAUTHORIZED" });
    await expectOperation("GET", "/analysis/{id}/events", 401, { path: { id: crypto.randomUUID() } });
  });

  it("answers 404 for an analysis that is not the caller's, an unknown share and an unknown path", async () => {
    const session = (
      await call(server.url, "POST", "/auth/exchange", {
        body: { code: await loginCode(server.url, "chart-pop") },
      })
    ).body as { accessToken: string };
    const token = session.accessToken;
    const unknown = crypto.randomUUID();
    const status = await expectOperation("GET", "/analysis/status", 404, {
      token,
      query: { analysisId: unknown },
    });
    expect(status.body).toEqual({ code: "NOT_FOUND", message: expect.any(String) });
    await expectOperation("GET", "/analysis/{id}/events", 404, { token, path: { id: unknown } });
    await expectOperation("GET", "/share/{token}", 404, { path: { token: "no-such-share-token" } });
    const nowhere = await call(server.url, "GET", "/no/such/thing");
    expect(nowhere).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await call(server.url, "GET", "")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    const wrongMethod = await call(server.url, "DELETE", "/auth/me", { token });
    expect(wrongMethod).toMatchObject({ status: 405, body: { code: "METHOD_NOT_SUPPORTED" } });
    expect(wrongMethod.headers.get("allow")).toBe("GET");
  });

  it("answers 400 with field errors for invalid input, and for a body that is not JSON", async () => {
    const session = (
      await call(server.url, "POST", "/auth/exchange", {
        body: { code: await loginCode(server.url, "hip-hop-head") },
      })
    ).body as { accessToken: string };
    const token = session.accessToken;
    const badId = await expectOperation("GET", "/analysis/status", 400, {
      token,
      query: { analysisId: "not-a-uuid" },
    });
    expect(badId.body).toEqual({
      code: "BAD_REQUEST",
      message: expect.stringContaining("analysisId must be a UUID"),
      fieldErrors: { analysisId: ["analysisId must be a UUID"] },
    });
    const badLimit = await expectOperation("GET", "/analysis/history", 400, {
      token,
      query: { limit: "500" },
    });
    expect(badLimit.body).toMatchObject({ fieldErrors: { limit: [expect.any(String)] } });
    const badTone = await expectOperation("POST", "/analysis/begin", 400, {
      token,
      body: { tone: "cruel", fresh: "yes" },
    });
    expect(Object.keys((badTone.body as { fieldErrors: object }).fieldErrors).sort()).toEqual([
      "fresh",
      "tone",
    ]);
    const noCode = await expectOperation("POST", "/auth/exchange", 400, { body: {} });
    expect(noCode.body).toMatchObject({ code: "BAD_REQUEST", fieldErrors: { code: [expect.any(String)] } });
    const notJson = await expectOperation("POST", "/auth/exchange", 400, { body: "{not json" });
    expect(notJson.body).toEqual({ code: "PARSE_ERROR", message: "The request body is not valid JSON." });
    const plainText = await expectOperation("POST", "/auth/exchange", 415, {
      body: "code",
      headers: { "content-type": "text/plain" },
    });
    expect(plainText.body).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
  });

  it("answers 429 with Retry-After when a fresh analysis is asked for again too soon", async () => {
    const session = (
      await call(server.url, "POST", "/auth/exchange", {
        body: { code: await loginCode(server.url, "seed:14") },
      })
    ).body as { accessToken: string };
    const token = session.accessToken;
    const begun = await expectOperation("POST", "/analysis/begin", 200, { token, body: { fresh: true } });
    const analysisId = (begun.body as { analysisId: string }).analysisId;
    // Wait for it to finish by following its events (the stream ends after the terminal status).
    await call(server.url, "GET", `/analysis/${analysisId}/events`, { token });
    const limited = await expectOperation("POST", "/analysis/begin", 429, { token, body: { fresh: true } });
    expect(limited.body).toEqual({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringContaining("fresh analysis"),
    });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

import { validate } from "@readme/openapi-parser";
import { appRouter } from "@unwrapped/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

interface Operation {
  operationId: string;
  description?: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

describe("GET /api/openapi.json", () => {
  let server: TestServer;
  let document: Document;
  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    document = (await response.json()) as Document;
  });
  afterAll(async () => {
    await server.close();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.specification).toBe("OpenAPI");
    expect((document as unknown as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("has an operation for every query and mutation of the router, and the subscription as an event stream", () => {
    const operationIds = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    const procedures = Object.entries(
      appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
    );
    expect(procedures.length).toBeGreaterThan(10);
    for (const [path] of procedures) expect(operationIds).toContain(path.replace(/\./g, "-"));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/auth/exchange",
        "/auth/refresh",
        "/auth/logout",
        "/auth/me",
        "/analysis/begin",
        "/analysis/status",
        "/analysis/result",
        "/analysis/history",
        "/analysis/{id}/events",
        "/share/{token}",
        "/share/revoke",
        "/share/rotate",
        "/account",
        "/account/disconnect-spotify",
        "/health",
        "/matches",
        "/matches/{matchId}",
        "/matches/{matchId}/share/revoke",
        "/matches/{matchId}/share/rotate",
        "/matches/shared/{token}",
      ]),
    );
  });

  it("documents the status stream as text/event-stream, its events as AnalysisStatus", () => {
    const events = document.paths["/analysis/{id}/events"]?.get;
    const content = events?.responses["200"]?.content ?? {};
    expect(Object.keys(content)).toEqual(["text/event-stream"]);
    expect(JSON.stringify(content)).toContain(
      '"x-event-schema":{"$ref":"#/components/schemas/AnalysisStatus"}',
    );
    expect(events?.description).toContain("Last-Event-ID");
  });

  it("describes dates as ISO 8601 date-time strings, with descriptions and examples from the schemas", () => {
    const status = document.components.schemas.AnalysisStatus as {
      properties: Record<string, { type?: string; format?: string; examples?: unknown[] }>;
    };
    expect(status.properties.createdAt).toMatchObject({ type: "string", format: "date-time" });
    expect(status.properties.createdAt?.examples).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/)]);
    expect(JSON.stringify(document.components.schemas.Error)).toContain("fieldErrors");
  });
});

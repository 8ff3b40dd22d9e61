import type { AnyRouter } from "@trpc/server/unstable-core-do-not-import";
import {
  AnalysisResult,
  AnalysisStatus,
  HistoryPage,
  Match,
  MatchPage,
  Me,
  PublicMatch,
  PublicProfile,
  SessionTokens,
  SharedVerdict,
  ShareLink,
  TasteProfile,
  User,
} from "@unwrapped/services";
import { generateOpenApiDocument, type OpenAPIObject } from "trpc-to-openapi";
import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { appRouter } from "../root.js";
import { eventStreams, REST_BASE_PATH } from "./rest-meta.js";

export interface OpenApiDocumentOptions {
  /** This server's public origin (PUBLIC_URL); the document's server is `<publicUrl>/api/v1`. */
  readonly publicUrl: string;
  readonly version: string;
  /** The router to describe; the app's by default. */
  readonly router?: AnyRouter;
}

/** The error body every REST error answers with (toRestError). */
export const ErrorBody = z
  .object({
    code: z.string().meta({ description: "The tRPC error code.", examples: ["NOT_FOUND"] }),
    message: z.string().meta({ description: "What went wrong, written for a person." }),
    fieldErrors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({
        description: "On 400 for invalid input: the messages of each invalid field.",
        examples: [{ analysisId: ["analysisId must be a UUID"] }],
      }),
  })
  .meta({
    description: "An error: the status is the HTTP status of its code.",
    examples: [{ code: "BAD_REQUEST", message: "The request is not valid. limit: Too big", fieldErrors: {} }],
  });

const SECURITY_SCHEME = "bearerAuth";

/** The document's component schemas, by name: where a response or an event is one of these, it refers to it. */
const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  AnalysisStatus,
  AnalysisResult,
  HistoryPage,
  TasteProfile,
  SessionTokens,
  User,
  Me,
  SharedVerdict,
  PublicProfile,
  ShareLink,
  Match,
  MatchPage,
  PublicMatch,
  Error: ErrorBody,
};

/** Error statuses, what they mean for a client, and which operations can answer them. */
const ERROR_RESPONSES: Record<number, { name: string; description: string }> = {
  400: {
    name: "BadRequest",
    description: "Invalid input (`fieldErrors` lists the fields) or a body that is not JSON.",
  },
  401: {
    name: "Unauthorized",
    description:
      "No, a bad or an expired access token. `WWW-Authenticate` says why: `token_expired` means refresh, then retry.",
  },
  403: { name: "Forbidden", description: "Signed in, but not allowed to do this." },
  404: { name: "NotFound", description: "Nothing here, or not yours (existence is not revealed)." },
  409: { name: "Conflict", description: "The request conflicts with the current state." },
  412: { name: "PreconditionFailed", description: "Not yet: for example, the analysis has not completed." },
  413: { name: "PayloadTooLarge", description: "The request body is larger than the server accepts." },
  415: { name: "UnsupportedMediaType", description: "A body that is not `application/json`." },
  429: {
    name: "TooManyRequests",
    description: "Rate limited: retry after the number of seconds in `Retry-After`.",
  },
  500: {
    name: "InternalServerError",
    description: "Something went wrong on our side (a generic message only).",
  },
  503: {
    name: "ServiceUnavailable",
    description: "The database or Spotify is briefly unreachable: retry in a moment.",
  },
};

/**
 * The OpenAPI 3.1 document of the REST API, generated from the router: every procedure with `openapi`
 * meta (trpc-to-openapi, from its zod input and output schemas, their descriptions and examples), the
 * event streams of `eventStream` meta, and one error body for every error status.
 */
export function createOpenApiDocument(options: OpenApiDocumentOptions): OpenAPIObject {
  const router = options.router ?? appRouter;
  const document = generateOpenApiDocument(router, {
    title: "unwrapped",
    description: [
      "What your music taste says about you, as plain JSON over HTTP: the same procedures as the tRPC",
      "API at /trpc. Dates are ISO 8601 strings. Sign in (in demo mode: `GET /auth/spotify/login` with a",
      "sandbox persona), trade the `login_code` at `POST /auth/exchange`, then send",
      "`Authorization: Bearer <accessToken>`. Start an analysis with `POST /analysis/begin`, poll",
      "`GET /analysis/status` (or follow `GET /analysis/{id}/events`), and read the verdict at",
      "`GET /analysis/result`.",
    ].join(" "),
    version: options.version,
    baseUrl: new URL(REST_BASE_PATH, options.publicUrl).href,
    securitySchemes: {
      [SECURITY_SCHEME]: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description: "The `accessToken` of `POST /auth/exchange` or `POST /auth/refresh`.",
      },
    },
    tags: ["auth", "analysis", "share", "account", "health"],
    defs: NAMED_SCHEMAS,
    paths: eventStreamPaths(router),
  });
  return withErrorResponses(withOutputSchemasNamed(document));
}

/**
 * The named schemas are response shapes, but zod-openapi renders a named component as an input and adds
 * an `<Name>Output` copy where a response uses it: keep one, the output, under the plain name.
 */
function withOutputSchemasNamed(document: OpenAPIObject): OpenAPIObject {
  const schemas = { ...document.components?.schemas };
  for (const name of Object.keys(schemas)) {
    const output = schemas[`${name}Output`];
    if (!output) continue;
    schemas[name] = output;
    delete schemas[`${name}Output`];
  }
  const text = JSON.stringify({ ...document, components: { ...document.components, schemas } });
  return JSON.parse(text.replace(/("#\/components\/schemas\/[^"]+?)Output"/g, '$1"'));
}

function eventStreamPaths(router: AnyRouter): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const [path, stream] of eventStreams(router)) {
    paths[stream.path] = {
      get: {
        operationId: path.replace(/\./g, "-"),
        summary: stream.summary,
        description: [
          stream.description ?? "",
          "Each event is `id: <event id>` and `data: <the event as JSON>`, documented as `x-event-schema`;",
          "an `event: error` carries the error body and ends the stream. Reconnect with `Last-Event-ID`",
          "to resume after that event.",
        ].join(" "),
        ...(stream.tags ? { tags: stream.tags } : {}),
        security: [{ [SECURITY_SCHEME]: [] }],
        requestParams: {
          path: stream.pathParameters as z.ZodObject,
          header: z.object({
            "last-event-id": z
              .string()
              .optional()
              .meta({ description: "The id of the last event received: resume after it." }),
          }),
        },
        responses: {
          200: {
            description: "A stream of events, ending after the last one.",
            content: {
              "text/event-stream": {
                schema: z.string().meta({
                  description: "Server-Sent Events",
                  examples: ['id: 3\ndata: {"analysisId":"…","status":"processing",…}\n\n'],
                  "x-event-schema": { $ref: `#/components/schemas/${schemaName(stream.event)}` },
                }),
              },
            },
          },
        },
      },
    };
  }
  return paths;
}

function schemaName(schema: z.ZodType): string {
  const name = Object.keys(NAMED_SCHEMAS).find((candidate) => NAMED_SCHEMAS[candidate] === schema);
  if (!name) throw new Error("An event stream's event schema must be one of the document's named schemas.");
  return name;
}

/**
 * Every operation documents the errors it can answer with the one error body: 400, 404, 429, 500 and
 * 503 always (rate limits apply to any operation), 401 and 403 when it needs a token, 413 and 415 when
 * it takes a body, and what its meta adds (`errorResponses`, such as 412).
 */
function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  const responses: NonNullable<NonNullable<OpenAPIObject["components"]>["responses"]> = {};
  for (const [status, { name, description }] of Object.entries(ERROR_RESPONSES)) {
    responses[name] = {
      description,
      ...(status === "429"
        ? {
            headers: {
              "Retry-After": {
                description: "Seconds to wait before retrying.",
                schema: { type: "integer", minimum: 1 },
              },
            },
          }
        : {}),
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  const schemas = Object.fromEntries(
    Object.entries(document.components?.schemas ?? {}).filter(([name]) => !name.startsWith("error.")),
  );
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem)) {
      if (!operation || typeof operation !== "object" || !("responses" in operation)) continue;
      const declared = Object.keys(operation.responses ?? {}).filter((status) => Number(status) >= 400);
      const statuses = new Set([...declared, "400", "404", "429", "500", "503"]);
      if (operation.security?.length) statuses.add("401").add("403");
      if (operation.requestBody) statuses.add("413").add("415");
      for (const status of Object.keys(operation.responses)) {
        if (Number(status) >= 400) delete operation.responses[status];
      }
      for (const status of [...statuses].sort()) {
        const response = ERROR_RESPONSES[Number(status)];
        if (response) operation.responses[status] = { $ref: `#/components/responses/${response.name}` };
      }
    }
  }
  return { ...document, components: { ...document.components, schemas, responses } };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { isTrackedEnvelope, TRPCError } from "@trpc/server";
import type { AnyRouter } from "@trpc/server/unstable-core-do-not-import";
import type { Logger } from "@unwrapped/services";
import { getPathRegExp, normalizePath, type OpenApiMeta } from "trpc-to-openapi";
import type { ApiContext } from "../context.js";
import { type RestError, toRestError } from "../error-mapping.js";
import { createCallerFactory } from "../trpc.js";
import { eventStreams, REST_BASE_PATH } from "./rest-meta.js";

export interface RestHandlerOptions {
  /** The router whose `openapi` and `eventStream` meta make the operations; built with ../trpc.ts. */
  readonly router: AnyRouter;
  /** The same context /trpc builds for a request (bearer token, client address). */
  readonly createContext: (request: IncomingMessage) => ApiContext | Promise<ApiContext>;
  readonly maxBodySize: number;
  readonly logger: Logger;
  /** Keep-alive comments on event streams, so proxies do not close a quiet stream. */
  readonly pingIntervalMs?: number;
}

interface Operation {
  readonly method: string;
  readonly pattern: RegExp;
  /** The procedure's path in the router, such as "analysis.status". */
  readonly procedure: string;
  readonly kind: "query" | "mutation" | "stream";
  readonly input: (request: ParsedRequest) => unknown;
}

interface ParsedRequest {
  readonly pathParameters: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly lastEventId: string | null;
}

type Call = (input: unknown) => Promise<unknown>;

/**
 * REST over the router: `METHOD /api/v1/<path>` calls the procedure whose meta names it, through the
 * same caller, middlewares, validation and error mapping as /trpc, with a context built the way /trpc
 * builds it. Answers plain JSON (dates as ISO 8601 strings); errors are toRestError's. Subscriptions
 * with `eventStream` meta answer Server-Sent Events.
 */
export function createRestHandler(options: RestHandlerOptions) {
  const { logger, maxBodySize } = options;
  const operations = restOperations(options.router);
  const createCaller = createCallerFactory(options.router as Parameters<typeof createCallerFactory>[0]);
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const path = normalizePath(url.pathname.slice(REST_BASE_PATH.length));
    const site = { path: `${request.method} ${REST_BASE_PATH}${path}`, type: "rest" };
    const abort = new AbortController();
    response.once("close", () => abort.abort());
    try {
      const matching = operations.filter((operation) => operation.pattern.test(path));
      const operation = matching.find((candidate) => candidate.method === request.method);
      if (!operation) {
        if (matching.length === 0) {
          throw new TRPCError({
            code: "NOT_FOUND",
            message: `There is no ${site.path}: see /api/openapi.json.`,
          });
        }
        response.setHeader("allow", matching.map((candidate) => candidate.method).join(", "));
        throw new TRPCError({
          code: "METHOD_NOT_SUPPORTED",
          message: `${site.path} does not accept ${request.method}.`,
        });
      }
      const parsed: ParsedRequest = {
        pathParameters: { ...operation.pattern.exec(path)?.groups },
        query: url.searchParams,
        body: request.method === "POST" ? await readJsonBody(request, maxBodySize) : undefined,
        lastEventId: headerValue(request.headers["last-event-id"]),
      };
      const input = operation.input(parsed);
      const context = await options.createContext(request);
      const caller = createCaller(context, { signal: abort.signal }) as unknown as Record<string, unknown>;
      const call = procedureAt(caller, operation.procedure);
      if (operation.kind === "stream") {
        await streamEvents(await call(input), response, {
          logger,
          site,
          pingIntervalMs,
          signal: abort.signal,
        });
        return;
      }
      sendJson(response, 200, await call(input));
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const { status, headers, body } = toRestError(error, logger, site);
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      sendJson(response, status, body);
    }
  };
}

/** The operations of a router's meta, matched in order; paths are relative to /api/v1. */
function restOperations(router: AnyRouter): Operation[] {
  const operations: Operation[] = [];
  const procedures = router._def.procedures as Record<
    string,
    { _def: { type: "query" | "mutation" | "subscription"; meta?: OpenApiMeta; inputs: unknown[] } }
  >;
  for (const [name, procedure] of Object.entries(procedures)) {
    const openapi = procedure._def.meta?.openapi;
    if (!openapi || openapi.enabled === false || procedure._def.type === "subscription") continue;
    const takesInput = procedure._def.inputs.length > 0;
    const shape = takesInput ? objectShape(procedure._def.inputs[0]) : {};
    operations.push({
      method: openapi.method,
      pattern: getPathRegExp(normalizePath(openapi.path)),
      procedure: name,
      kind: procedure._def.type,
      input: ({ pathParameters, query, body }) => {
        if (!takesInput) return undefined;
        const fields = openapi.method === "POST" ? body : queryInput(query, shape);
        if (fields === undefined) return Object.keys(pathParameters).length > 0 ? pathParameters : undefined;
        return isPlainObject(fields) ? { ...fields, ...pathParameters } : fields;
      },
    });
  }
  for (const [name, stream] of eventStreams(router)) {
    operations.push({
      method: "GET",
      pattern: getPathRegExp(normalizePath(stream.path)),
      procedure: name,
      kind: "stream",
      input: ({ pathParameters, lastEventId }) => stream.input(pathParameters, lastEventId),
    });
  }
  return operations;
}

/**
 * A query string as the input object: each value a string, or the number or boolean the input's field
 * expects when it reads as one (the schema is only read, never changed, so /trpc validates as before).
 * A repeated key stays a list, which validation then rejects for a single-valued field.
 */
function queryInput(query: URLSearchParams, shape: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key).map((value) => coerceQueryValue(value, baseType(shape[key])));
    input[key] = values.length === 1 ? values[0] : values;
  }
  return input;
}

function coerceQueryValue(value: string, type: string | undefined): unknown {
  if (type === "number" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

interface ZodLike {
  readonly _zod?: {
    readonly def: { readonly type: string; readonly innerType?: unknown; readonly shape?: unknown };
  };
}

/** The zod type of a field, through optional, nullable and default. */
function baseType(schema: unknown): string | undefined {
  let current = schema as ZodLike | undefined;
  while (current?._zod && current._zod.def.innerType !== undefined)
    current = current._zod.def.innerType as ZodLike;
  return current?._zod?.def.type;
}

function objectShape(schema: unknown): Record<string, unknown> {
  let current = schema as ZodLike | undefined;
  while (current?._zod && current._zod.def.innerType !== undefined)
    current = current._zod.def.innerType as ZodLike;
  const shape = current?._zod?.def.type === "object" ? current._zod.def.shape : undefined;
  return (shape as Record<string, unknown> | undefined) ?? {};
}

function procedureAt(caller: Record<string, unknown>, path: string): Call {
  let target: unknown = caller;
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  return target as Call;
}

/** A JSON request body; none at all is `undefined` (an input with only optional fields accepts that). */
async function readJsonBody(request: IncomingMessage, maxBodySize: number): Promise<unknown> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > maxBodySize) throw payloadTooLarge(maxBodySize);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodySize) throw payloadTooLarge(maxBodySize);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  const contentType = request.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(contentType)) {
    throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: "Send the body as application/json." });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new TRPCError({ code: "PARSE_ERROR", message: "The request body is not valid JSON." });
  }
}

function payloadTooLarge(maxBodySize: number): TRPCError {
  return new TRPCError({
    code: "PAYLOAD_TOO_LARGE",
    message: `The request body is larger than ${maxBodySize} bytes.`,
  });
}

/**
 * Server-Sent Events from a subscription's stream. The first event is awaited before the status line,
 * so an error found at once (no such analysis, a bad token) answers with its HTTP status; a later one is
 * an `event: error` with the error body, and the stream ends.
 */
async function streamEvents(
  events: unknown,
  response: ServerResponse,
  options: {
    logger: Logger;
    site: { path: string; type: string };
    pingIntervalMs: number;
    signal: AbortSignal;
  },
): Promise<void> {
  const iterator = (events as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  let next = await iterator.next();
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  const ping = setInterval(() => response.write(": ping\n\n"), options.pingIntervalMs);
  ping.unref();
  try {
    while (!next.done && !options.signal.aborted) {
      const value = next.value;
      const [id, data] = isTrackedEnvelope(value) ? [value[0], value[1]] : [null, value];
      response.write(`${id === null ? "" : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
      next = await iterator.next();
    }
  } catch (error) {
    const restError: RestError = toRestError(error, options.logger, options.site);
    response.write(`event: error\ndata: ${JSON.stringify(restError.body)}\n\n`);
  } finally {
    clearInterval(ping);
    await iterator.return?.();
    response.end();
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader("content-type", "application/json; charset=utf-8");
  response.setHeader("cache-control", "no-store");
  response.end(text);
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

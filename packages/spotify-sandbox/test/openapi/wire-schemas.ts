import { readFileSync } from "node:fs";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";

/**
 * Test support: validators for what Spotify sends, built from the published OpenAPI description in
 * fixtures/spotify-openapi/subset.json. The description is loose in ways that would let the sandbox drift
 * unseen (almost nothing is required, any extra field passes), so the validators are stricter than it in
 * one direction and looser in another, each change named here:
 *
 * Stricter: no field the description does not list (`unevaluatedProperties: false` on every object); in
 * development mode, none of the fields the February 2026 changelog removes; with extended quota, the
 * fields an app with full scopes gets.
 *
 * Looser, where real Spotify is looser than its description (the subset's README names them): `next` and
 * `cursors` are null on the last or an empty page of recently played; a play's `context` is null outside
 * an album, artist or playlist; the July 2026 quota error adds `reason` to the error object.
 */

type Schema = Record<string, unknown>;
type Json = Record<string, unknown>;

export type WireVariant = "extended-quota" | "development-mode";

interface OpenApiDocument {
  paths: Record<string, { get: { responses: Record<string, Schema> } }>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Schema> };
  "x-token-endpoint": Record<string, Schema | string>;
  "x-development-mode": { removed: Record<string, string[]> };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;

export const openApiDocument = JSON.parse(
  readFileSync(new URL("../fixtures/spotify-openapi/subset.json", import.meta.url), "utf8"),
) as OpenApiDocument;

const SCHEMAS_ID = "https://unwrapped.test/spotify-web-api";

/** The changelog names schemas of the full description; in this subset albums appear as these two. */
const DEVELOPMENT_MODE_TARGETS: Record<string, readonly string[]> = {
  ArtistObject: ["ArtistObject"],
  TrackObject: ["TrackObject"],
  AlbumObject: ["AlbumBase", "SimplifiedAlbumObject"],
  PrivateUserObject: ["PrivateUserObject"],
};

/**
 * What an extended-quota app with the sign-in scopes gets on top of the development-mode fields: the
 * removed fields that these endpoints carry (album `label`, `popularity` and `album_group` belong to the
 * full album object and to artist discographies; `linked_from` only comes with track relinking).
 */
const EXTENDED_QUOTA_FIELDS: Record<string, readonly string[]> = {
  ArtistObject: ["followers", "popularity"],
  TrackObject: ["available_markets", "popularity"],
  AlbumBase: ["available_markets"],
  PrivateUserObject: ["country", "email", "explicit_content", "followers", "product"],
};

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Visits every schema object below `node` (properties, items, allOf members...), parents first. */
function walk(
  node: unknown,
  visit: (schema: Schema, parent: Schema | null) => void,
  parent: Schema | null = null,
) {
  if (Array.isArray(node)) {
    for (const element of node) walk(element, visit, parent);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as Schema;
  visit(schema, parent);
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && typeof value === "object" && value !== null) {
      for (const property of Object.values(value)) walk(property, visit, schema);
    } else if (key === "items" || key === "allOf" || key === "oneOf" || key === "anyOf") {
      walk(value, visit, schema);
    }
  }
}

function rewriteRefs(node: unknown): void {
  walk(node, (schema) => {
    if (typeof schema.$ref === "string")
      schema.$ref = schema.$ref.replace("#/components/schemas/", `${SCHEMAS_ID}#/$defs/`);
  });
}

function orNull(schema: Schema): Schema {
  return { oneOf: [schema, { type: "null" }] };
}

function propertiesOf(schema: Schema | undefined, name: string): Record<string, Schema> {
  const properties = schema?.properties as Record<string, Schema> | undefined;
  if (!properties) throw new Error(`schema ${name} has no properties`);
  return properties;
}

/** The inline object member of a composite like SimplifiedAlbumObject = allOf[AlbumBase, {...}]. */
function ownPart(schema: Schema): Schema {
  const members = (schema.allOf as Schema[] | undefined) ?? [];
  return members.find((member) => member.properties !== undefined) ?? schema;
}

/** Schemas that a multi-member allOf extends: only the composite knows all their fields. */
function allOfBases(schemas: Record<string, Schema>): Set<Schema> {
  const bases = new Set<Schema>();
  walk(Object.values(schemas), (schema) => {
    const members = schema.allOf as Schema[] | undefined;
    if (!members || members.length < 2) return;
    for (const member of members) {
      bases.add(member);
      const ref = member.$ref as string | undefined;
      const target = ref ? schemas[ref.slice(ref.lastIndexOf("/") + 1)] : undefined;
      if (target) bases.add(target);
    }
  });
  return bases;
}

function closeObjects(node: unknown, bases: ReadonlySet<Schema>): void {
  walk(node, (schema) => {
    const isObject = schema.properties !== undefined || (schema.allOf as unknown[] | undefined)?.length;
    if (isObject && schema.type === "object" && !bases.has(schema)) schema.unevaluatedProperties = false;
  });
}

function wireSchemas(variant: WireVariant): Record<string, Schema> {
  const schemas = clone(openApiDocument.components.schemas);
  rewriteRefs(Object.values(schemas));

  // Looser where Spotify is: see the comment at the top.
  const cursorPaging = propertiesOf(schemas.CursorPagingObject, "CursorPagingObject");
  cursorPaging.next = { ...cursorPaging.next, nullable: true };
  cursorPaging.cursors = orNull(cursorPaging.cursors as Schema);
  const play = propertiesOf(schemas.PlayHistoryObject, "PlayHistoryObject");
  play.context = orNull(play.context as Schema);
  propertiesOf(schemas.ErrorObject, "ErrorObject").reason = { type: "string", enum: ["QUOTA_EXCEEDED"] };

  if (variant === "development-mode") {
    for (const [name, fields] of Object.entries(openApiDocument["x-development-mode"].removed)) {
      for (const target of DEVELOPMENT_MODE_TARGETS[name] ?? []) {
        const schema = schemas[target];
        if (!schema) throw new Error(`no schema ${target}`);
        const part = ownPart(schema);
        const properties = (part.properties ?? {}) as Record<string, Schema>;
        for (const field of fields) delete properties[field];
        if (Array.isArray(part.required))
          part.required = (part.required as string[]).filter((field) => !fields.includes(field));
      }
    }
  } else {
    for (const [name, fields] of Object.entries(EXTENDED_QUOTA_FIELDS)) {
      const part = ownPart(schemas[name] as Schema);
      part.required = [...new Set([...((part.required as string[] | undefined) ?? []), ...fields])];
    }
  }

  closeObjects(Object.values(schemas), allOfBases(schemas));
  return schemas;
}

function newAjv(): Ajv2019 {
  const ajv = new Ajv2019({ strict: true, allErrors: true, strictRequired: false });
  // Annotations of the description that are not JSON Schema keywords.
  ajv.addVocabulary([
    "example",
    "x-spotify-docs-type",
    "x-authorization-code-requires",
    "x-refresh-token-note",
  ]);
  addFormats(ajv);
  return ajv;
}

function deref(response: Schema): Schema {
  const ref = response.$ref as string | undefined;
  if (!ref) return response;
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  const target = openApiDocument.components.responses[name];
  if (!target) throw new Error(`no response ${name}`);
  return target;
}

function jsonSchemaOf(response: Schema): Schema {
  const content = deref(response).content as Record<string, { schema: Schema }>;
  const schema = content["application/json"]?.schema;
  if (!schema) throw new Error("the response has no application/json schema");
  return clone(schema);
}

export interface WireValidator {
  /** The problems of `body` as the answer of GET `path` with `status`; empty when it conforms. */
  webApi(path: string, status: number, body: unknown): string[];
  /** The problems of a body against one of the token endpoint's shapes (x-token-endpoint). */
  tokenEndpoint(
    shape: "rfc6749_success" | "spotify_success" | "rfc6749_error" | "spotify_error",
    body: unknown,
  ): string[];
}

function problems(validate: ValidateFunction, body: unknown): string[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => {
    const where = error.instancePath || "(root)";
    const extra = error.keyword === "unevaluatedProperties" ? ` (${JSON.stringify(error.params)})` : "";
    return `${where} ${error.message ?? error.keyword}${extra}`;
  });
}

/** Compiled validators for one variant of the wire format. */
export function wireValidator(variant: WireVariant): WireValidator {
  const ajv = newAjv();
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: wireSchemas(variant) });
  const bases = new Set<Schema>();
  const compiled = new Map<string, ValidateFunction>();

  function webApiValidator(path: string, status: number): ValidateFunction {
    const key = `${path} ${status}`;
    let validate = compiled.get(key);
    if (!validate) {
      const operation = openApiDocument.paths[path]?.get;
      if (!operation) throw new Error(`the description has no GET ${path}`);
      // Errors the operation does not declare (400, 404, 5xx) have the body of the declared ones.
      const undeclared =
        status === 404
          ? openApiDocument.components.responses.NotFound
          : openApiDocument.components.responses.BadRequest;
      const response = operation.responses[String(status)] ?? (status >= 400 ? undeclared : undefined);
      if (!response) throw new Error(`GET ${path} declares no ${status} response`);
      const schema = jsonSchemaOf(response);
      rewriteRefs(schema);
      closeObjects(schema, bases);
      validate = ajv.compile(schema);
      compiled.set(key, validate);
    }
    return validate;
  }

  return {
    webApi(path, status, body) {
      return problems(webApiValidator(path, status), body);
    },
    tokenEndpoint(shape, body) {
      const key = `token ${shape}`;
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(clone(openApiDocument["x-token-endpoint"][shape] as Schema));
        compiled.set(key, validate);
      }
      return problems(validate, body);
    },
  };
}

/** The description's path for a sandbox URL path: "/api/v1/me/top/artists" -> "/me/top/artists". */
export function describedPath(urlPath: string): string {
  return urlPath.replace(/^.*\/v1(?=\/)/, "");
}

export type { Json };

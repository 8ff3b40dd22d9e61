import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * The wire shapes clients rely on (API.md), as JSON Schema, recorded in wire-shapes.json when the
 * shapes moved from the routers to the domain. A schema that drifts from its record changes what
 * clients receive: change the record only together with API.md.
 */
const recorded = JSON.parse(readFileSync(new URL("./wire-shapes.json", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;

export function recordedWireShape(name: string): unknown {
  const shape = recorded[name];
  if (shape === undefined) throw new Error(`no recorded wire shape ${name}`);
  return shape;
}

/**
 * What a client receives for `schema`, as JSON Schema; dates are sent as date-times (superjson). The
 * documentation a schema carries for the OpenAPI document (descriptions, examples) is not its shape.
 */
export function wireShapeOf(schema: z.ZodType): unknown {
  const { $schema: _dialect, ...shape } = z.toJSONSchema(schema, {
    io: "output",
    unrepresentable: "any",
    override: (context) => {
      if ((context.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === "date") {
        context.jsonSchema.type = "string";
        context.jsonSchema.format = "date-time";
      }
    },
  });
  return withoutAnnotations(shape);
}

function withoutAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAnnotations);
  if (typeof value !== "object" || value === null) return value;
  const kept = Object.entries(value).filter(
    ([keyword]) => keyword !== "description" && keyword !== "examples",
  );
  return Object.fromEntries(
    kept.map(([keyword, inner]) => {
      if (keyword === "enum" || keyword === "const") return [keyword, inner];
      if (keyword !== "properties" || typeof inner !== "object" || inner === null) {
        return [keyword, withoutAnnotations(inner)];
      }
      // Property names are data, not keywords: keep every one (a field may be called "description").
      return [
        keyword,
        Object.fromEntries(Object.entries(inner).map(([name, field]) => [name, withoutAnnotations(field)])),
      ];
    }),
  );
}

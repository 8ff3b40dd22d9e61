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

/** What a client receives for `schema`, as JSON Schema; dates are sent as date-times (superjson). */
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
  return shape;
}

import { z } from "zod";

/**
 * What PostgreSQL accepts, as building blocks every boundary uses: the tRPC input guard, the HTTP
 * routes' query strings and path segments, cursors and token claims. One definition, not a check per
 * field.
 */

/** PostgreSQL text cannot hold U+0000; a NUL reaching a query is a 500, so it is refused at the door. */
export const NUL = "\u0000";

/** Nesting deeper than this is refused before anything walks it (no stack overflow on hostile input). */
export const MAX_INPUT_DEPTH = 32;

/** A string PostgreSQL can store: no NUL byte. */
export const SafeText = z.string().refine((value) => !value.includes(NUL), "must not contain NUL bytes");

/** A UUID as PostgreSQL's uuid type reads it (not any 36 characters of hex and hyphens). */
export const Uuid = z.uuid();

/** PostgreSQL's timestamptz range: 4713 BC to 294276 AD. JavaScript dates end earlier, in 275760 AD. */
const PG_MIN_TIMESTAMP_MS = Date.UTC(-4712, 0, 1);

/** A Date that PostgreSQL can store. */
export const PgTimestamp = z
  .date()
  .refine(
    (value) => !Number.isNaN(value.getTime()) && value.getTime() >= PG_MIN_TIMESTAMP_MS,
    "must be a date PostgreSQL can store",
  );

export function isUuid(value: unknown): value is string {
  return Uuid.safeParse(value).success;
}

export function isPgTimestamp(value: unknown): value is Date {
  return PgTimestamp.safeParse(value).success;
}

/**
 * Why a raw input (decoded JSON, query values) cannot be accepted, or null when it can: a NUL byte in
 * any string or key, or nesting deeper than MAX_INPUT_DEPTH. Walks iteratively, so it never overflows.
 */
export function unsafeInputReason(input: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: input, depth: 0 }];
  let visited = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (++visited > 100_000) return "The input is too large.";
    if (typeof value === "string") {
      if (value.includes(NUL)) return "The input must not contain NUL bytes (\\u0000).";
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_INPUT_DEPTH) return `The input is nested more than ${MAX_INPUT_DEPTH} levels deep.`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (key.includes(NUL)) return "The input must not contain NUL bytes (\\u0000).";
      stack.push({ value: item, depth: depth + 1 });
    }
  }
  return null;
}

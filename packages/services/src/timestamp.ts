import { z } from "zod";

/**
 * A point in time. A `Date` in process and over tRPC (superjson); plain JSON (REST under /api/v1) carries
 * it as an ISO 8601 string, which is what the OpenAPI document says of it.
 */
export const Timestamp = z.date().meta({
  format: "date-time",
  description: "An ISO 8601 date and time in UTC.",
  examples: ["2026-05-01T12:00:00.000Z"],
});

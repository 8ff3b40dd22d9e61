/**
 * Whether an error means the database could not be reached (refused, reset, timed out, shutting down),
 * as opposed to a query it refused. Drivers and drizzle wrap errors, so the cause chain is searched.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      (CONNECTION_ERROR_CODES.has(code) || code.startsWith("57P") || code.startsWith("08"))
    ) {
      // 57P*: admin/crash shutdown, cannot connect now; 08*: connection exceptions (SQLSTATE classes)
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

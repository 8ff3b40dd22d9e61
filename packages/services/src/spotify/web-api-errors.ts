/**
 * Recognising two of Spotify's Web API errors by their bodies, which the status alone does not tell apart
 * from others: a 403 for a user a development-mode app does not admit (a 403 also means a missing scope),
 * and a 429 for a used-up quota (a 429 also means a short rate limit).
 */

/**
 * Spotify answers an unregistered user with a plain-text body (older: "User not registered in the
 * Developer Dashboard"; since 2024: "Check settings on developer.spotify.com/dashboard, the user may not
 * be registered."); some clients report the same text inside the JSON error object. Both are accepted.
 */
const NOT_REGISTERED =
  /not registered in the developer dashboard|user may not be registered|not approved for app/i;

function errorObjectOf(text: string): { message?: unknown; reason?: unknown } | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body?.error === "object" && body.error !== null ? body.error : undefined;
  } catch {
    return undefined;
  }
}

export function isUserNotRegistered(status: number, text: string): boolean {
  if (status !== 403) return false;
  const message = errorObjectOf(text)?.message;
  return NOT_REGISTERED.test(typeof message === "string" ? message : text);
}

/** Spotify's quota error (July 2026): {"error":{"status":429,"message":"...","reason":"QUOTA_EXCEEDED"}}. */
export function isQuotaExceeded(status: number, text: string): boolean {
  return status === 429 && errorObjectOf(text)?.reason === "QUOTA_EXCEEDED";
}

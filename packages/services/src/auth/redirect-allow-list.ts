/**
 * Where sign-in may send a browser back to: the frontend's origin (APP_URL), or a loopback listener
 * `http://127.0.0.1:<port>/...` as CLIs use (like gh or gcloud). Anything else could hand a login code
 * to a stranger, so it is refused.
 */
export function isAllowedRedirect(target: string, appUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.origin === new URL(appUrl).origin) return true;
  return url.protocol === "http:" && url.hostname === "127.0.0.1" && url.port !== "";
}

/** Adds query parameters to a redirect target, keeping the ones it already has. */
export function withQuery(target: string, parameters: Record<string, string>): string {
  const url = new URL(target);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.toString();
}

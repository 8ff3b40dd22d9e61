/**
 * The token of a share link a person pasted: a full link (`https://…/s/<token>`), a path (`/s/<token>`)
 * or the bare token. null for anything else (a match link, another page, an empty field).
 */
export function shareTokenOf(pasted: string): string | null {
  const text = pasted.trim();
  if (/^[A-Za-z0-9_-]{8,128}$/.test(text)) return text;
  let path: string;
  try {
    path = new URL(text, "http://paste.invalid").pathname;
  } catch {
    return null;
  }
  const found = /^\/s\/([A-Za-z0-9_-]{8,128})\/?$/.exec(path);
  return found?.[1] ?? null;
}

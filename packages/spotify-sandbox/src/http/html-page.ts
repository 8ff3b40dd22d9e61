import type { Response } from "express";

/**
 * What every sandbox page shares: escaping, the layout and styles, and how a page is sent. Self-contained:
 * inline CSS, no scripts, no external assets.
 */

/** Inline styles only, nothing else; forms may go anywhere because approving redirects to the app. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

const STYLES = `
  :root { color-scheme: dark; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; background: linear-gradient(#1f1f1f, #121212 320px); color: #fff;
    font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  main { max-width: 640px; margin: 0 auto; padding: 40px 20px 64px; }
  .brand { color: #1ed760; font-weight: 700; letter-spacing: .02em; }
  h1 { font-size: 1.75rem; line-height: 1.2; margin: 8px 0 4px; }
  p.lead { color: #b3b3b3; margin: 0 0 24px; }
  code { background: #2a2a2a; padding: 1px 6px; border-radius: 4px; font-size: .9em; }
  ul.scopes { display: flex; flex-wrap: wrap; gap: 6px; padding: 0; margin: 0 0 28px; list-style: none; }
  ul.scopes li { background: #2a2a2a; border-radius: 999px; padding: 2px 12px; font-size: .85rem; color: #b3b3b3; }
  h2 { font-size: 1rem; text-transform: uppercase; letter-spacing: .08em; color: #b3b3b3; margin: 0 0 12px; }
  ul.personas { list-style: none; padding: 0; margin: 0 0 28px; display: grid; gap: 10px; }
  a.persona, div.persona { display: flex; gap: 14px; align-items: center; padding: 14px 16px; border-radius: 10px;
    background: #181818; border: 1px solid #2a2a2a; color: inherit; text-decoration: none; }
  a.persona:hover, a.persona:focus-visible { background: #232323; border-color: #1ed760; outline: none; }
  .avatar { flex: none; width: 44px; height: 44px; border-radius: 50%; display: grid; place-items: center;
    background: #1ed760; color: #000; font-weight: 700; }
  .who { display: block; font-weight: 600; }
  .id { color: #1ed760; font-size: .8rem; font-family: ui-monospace, monospace; }
  .description { display: block; color: #b3b3b3; font-size: .9rem; }
  form.seed { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; padding: 16px; border-radius: 10px;
    background: #181818; border: 1px solid #2a2a2a; margin-bottom: 28px; }
  form.seed label { flex: 1 1 220px; color: #b3b3b3; font-size: .9rem; }
  input[type=number] { width: 140px; padding: 10px 12px; border-radius: 6px; border: 1px solid #535353;
    background: #121212; color: #fff; font: inherit; }
  button, a.cancel { padding: 10px 22px; border-radius: 999px; font: inherit; font-weight: 700; cursor: pointer;
    text-decoration: none; display: inline-block; }
  button { background: #1ed760; color: #000; border: 0; }
  a.cancel { color: #fff; border: 1px solid #727272; }
  .error { padding: 20px; border-radius: 10px; background: #2a1215; border: 1px solid #e91429; }
  table.endpoints { width: 100%; border-collapse: collapse; margin: 0 0 28px; font-size: .9rem; }
  table.endpoints th, table.endpoints td { text-align: left; vertical-align: top; padding: 8px 10px;
    border-bottom: 1px solid #2a2a2a; }
  table.endpoints th { color: #b3b3b3; font-weight: 600; }
  pre { background: #181818; border: 1px solid #2a2a2a; border-radius: 10px; padding: 14px 16px; margin: 0 0 28px;
    overflow-x: auto; font-size: .85rem; }
  pre code { background: none; padding: 0; }
  .about p { margin: 0 0 16px; }
  .about a { color: #1ed760; }
`;

/** A whole sandbox page around `body` (already escaped HTML); the title is escaped here. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body><main>
<div class="brand">Spotify sandbox</div>
${body}
</main></body>
</html>
`;
}

/** The avatar letters of a display name: "Wren Calloway" is "WC". */
export function initials(displayName: string): string {
  const letters = displayName
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word[0] ?? "")
    .join("");
  return letters.slice(0, 2).toUpperCase() || "?";
}

/** The page Spotify shows instead of redirecting when the request itself is broken. */
export function renderErrorPage(heading: string, message: string): string {
  return renderPage(
    `${heading} — Spotify sandbox`,
    `<h1>${escapeHtml(heading)}</h1>
<div class="error">${escapeHtml(message)}</div>`,
  );
}

export function sendHtml(response: Response, status: number, html: string): void {
  response
    .status(status)
    .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    .set("Cache-Control", "no-store")
    .type("html")
    .send(html);
}

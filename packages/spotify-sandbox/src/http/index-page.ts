import type { PersonaSummary } from "../catalog/personas.js";
import { escapeHtml, initials, renderPage } from "./html-page.js";

/**
 * The page at the sandbox's mount root (`/sandbox/spotify/` in demo mode): what the sandbox is, the
 * endpoints it serves and the listeners one can sign in as.
 */

export interface IndexPageInput {
  /** Where the sandbox is mounted ("" at the root of its own server, "/sandbox/spotify" in demo mode). */
  readonly basePath: string;
  readonly clientId: string;
  readonly personas: readonly PersonaSummary[];
}

interface Endpoint {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly spotify: string;
}

const ENDPOINTS: readonly Endpoint[] = [
  {
    method: "GET",
    path: "/accounts/authorize",
    spotify: "https://accounts.spotify.com/authorize: the consent page, or approval at once with persona",
  },
  {
    method: "POST",
    path: "/accounts/api/token",
    spotify:
      "https://accounts.spotify.com/api/token: authorization_code (with PKCE) and refresh_token grants",
  },
  { method: "GET", path: "/api/v1/me", spotify: "https://api.spotify.com/v1/me" },
  {
    method: "GET",
    path: "/api/v1/me/top/artists",
    spotify: "https://api.spotify.com/v1/me/top/artists (time_range, limit, offset)",
  },
  {
    method: "GET",
    path: "/api/v1/me/top/tracks",
    spotify: "https://api.spotify.com/v1/me/top/tracks (time_range, limit, offset)",
  },
  {
    method: "GET",
    path: "/api/v1/me/player/recently-played",
    spotify: "https://api.spotify.com/v1/me/player/recently-played (limit, before, after)",
  },
  { method: "GET", path: "/personas", spotify: "sandbox only: the listeners below as JSON" },
];

function endpointRow(basePath: string, endpoint: Endpoint): string {
  const path = `${basePath}${endpoint.path}`;
  const shown =
    endpoint.method === "GET" && endpoint.path === "/personas"
      ? `<a href="${escapeHtml(path)}"><code>${escapeHtml(path)}</code></a>`
      : `<code>${escapeHtml(path)}</code>`;
  return `<tr><td>${endpoint.method}</td><td>${shown}</td><td>${escapeHtml(endpoint.spotify)}</td></tr>`;
}

function personaItem(persona: PersonaSummary): string {
  return `<li><div class="persona">
  <span class="avatar" aria-hidden="true">${escapeHtml(initials(persona.displayName))}</span>
  <span><span class="who">${escapeHtml(persona.displayName)} <span class="id">${escapeHtml(persona.id)}</span></span>
  <span class="description">${escapeHtml(persona.description)}</span></span>
</div></li>`;
}

export function renderIndexPage(input: IndexPageInput): string {
  const { basePath, clientId, personas } = input;
  const exampleId = personas[0]?.id ?? "seed:42";
  const authorizeExample =
    `${basePath}/accounts/authorize?client_id=${encodeURIComponent(clientId)}&response_type=code` +
    `&redirect_uri=<your redirect URI>&scope=user-top-read&state=<state>&persona=${encodeURIComponent(exampleId)}`;
  return renderPage(
    "Spotify sandbox",
    `<h1>A local Spotify</h1>
<div class="about">
<p class="lead">A stand-in for Spotify's accounts service and Web API that speaks their wire format, with
synthetic listeners instead of real accounts, so an app's real sign-in and data collection run with no
Spotify credentials. Client id: <code>${escapeHtml(clientId)}</code>.</p>
<h2>Endpoints</h2>
<table class="endpoints">
<thead><tr><th>method</th><th>path</th><th>Spotify equivalent</th></tr></thead>
<tbody>
${ENDPOINTS.map((endpoint) => endpointRow(basePath, endpoint)).join("\n")}
</tbody>
</table>
<h2>Signing in</h2>
<p>An app sends you to <code>${escapeHtml(`${basePath}/accounts/authorize`)}</code> as it would send you to
Spotify. Without a <code>persona</code> parameter that shows a consent page listing the listeners below; with
<code>persona=&lt;id&gt;</code> it approves at once and redirects back with <code>code</code> and
<code>state</code>, which the app exchanges at <code>${escapeHtml(`${basePath}/accounts/api/token`)}</code>:</p>
<pre><code>${escapeHtml(authorizeExample)}</code></pre>
<p>In unwrapped's demo mode: open the app's <code>/auth/spotify/login</code> and pick a listener, or run
<code>unwrapped login --persona ${escapeHtml(exampleId)}</code>.</p>
<h2>Listeners</h2>
<ul class="personas">
${personas.map(personaItem).join("\n")}
</ul>
<p>Besides these, <code>seed:&lt;n&gt;</code> (any non-negative integer n) is a generated listener of its own,
the same one every time.</p>
</div>`,
  );
}

import type { PersonaSummary } from "../catalog/personas.js";
import { escapeHtml, initials, renderPage } from "./html-page.js";

/** The consent page a person sees at /accounts/authorize: pick a listener to sign in as, or cancel. */

export interface ConsentPageInput {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly personas: readonly PersonaSummary[];
  /** The authorize request's own query parameters, repeated in every choice. */
  readonly authorizeParameters: URLSearchParams;
  /** Where "Cancel" goes: the app's redirect_uri with error=access_denied. */
  readonly cancelUrl: string;
}

/** Relative link to this same authorize URL with one parameter added (resolves against the current path). */
function sameRequestWith(parameters: URLSearchParams, name: string, value: string): string {
  const next = new URLSearchParams(parameters);
  next.set(name, value);
  return `?${next.toString()}`;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const scopes = input.scopes.length
    ? `<ul class="scopes">${input.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join("")}</ul>`
    : `<p class="lead">No scopes requested.</p>`;
  const personas = input.personas
    .map(
      (
        persona,
      ) => `<li><a class="persona" href="${escapeHtml(sameRequestWith(input.authorizeParameters, "persona", persona.id))}">
  <span class="avatar" aria-hidden="true">${escapeHtml(initials(persona.displayName))}</span>
  <span><span class="who">${escapeHtml(persona.displayName)} <span class="id">${escapeHtml(persona.id)}</span></span>
  <span class="description">${escapeHtml(persona.description)}</span></span>
</a></li>`,
    )
    .join("\n");
  const hiddenFields = [...input.authorizeParameters]
    .filter(([name]) => name !== "persona" && name !== "seed")
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  return renderPage(
    "Authorize — Spotify sandbox",
    `<h1>Sign in as a sandbox listener</h1>
<p class="lead">The app <code>${escapeHtml(input.clientId)}</code> asks to access your Spotify account data:</p>
${scopes}
<h2>Listeners</h2>
<ul class="personas">
${personas}
</ul>
<h2>Generated listener</h2>
<form class="seed" method="get">
${hiddenFields}
<label for="seed">Any number gives its own listener, the same one every time (<code>seed:&lt;n&gt;</code>).</label>
<input id="seed" name="seed" type="number" min="0" step="1" required placeholder="42">
<button type="submit">Agree</button>
</form>
<a class="cancel" href="${escapeHtml(input.cancelUrl)}">Cancel</a>`,
  );
}

import { isAppError, NotFoundError, type Services, type SharedVerdict } from "@unwrapped/services";
import { CARD_SIZES, choosePunchline, Lru, QUADRANTS, quadrantOf } from "@unwrapped/share-cards";
import { Router } from "express";
import { html, PAGE_CSP, SafeHtml } from "../html.js";

/** 4 Mi characters of rendered share pages per process (about 500 pages). */
const PAGE_CACHE_CHARACTERS = 4 * 1024 * 1024;

/**
 * GET /s/:token — the public page of a shared verdict, with Open Graph and Twitter card tags. Every
 * request reads the link's current revision (a small indexed read, so a revoked or rotated token 404s at
 * once on every process); the page itself is rendered once per token and revision.
 */
export function sharePage(services: Services): Router {
  const router = Router();
  const pages = new Lru<string>(PAGE_CACHE_CHARACTERS, (page) => page.length);
  router.get("/s/:token", async (request, response) => {
    const token = request.params.token;
    response.setHeader("content-security-policy", PAGE_CSP);
    response.setHeader("cache-control", "no-cache");
    response.type("html");
    const valid = typeof token === "string" && /^[A-Za-z0-9_-]{16,128}$/.test(token);
    try {
      const revision = valid ? await services.shares.revisionOf(token) : null;
      if (!revision) throw new NotFoundError("This share link does not exist or was revoked.");
      const key = `${token}:${revision.revision}`;
      let page = pages.get(key);
      if (page === undefined) {
        const verdict = await services.shares.get(token);
        page = renderVerdictPage(verdict, `${services.config.server.publicUrl}/s/${token}`, token).value;
        pages.set(key, page);
      }
      response.send(page);
    } catch (error) {
      if (!(isAppError(error) && error.code === "NOT_FOUND")) throw error;
      response.status(404).send(renderNotFoundPage(services.config.server.publicUrl).value);
    }
  });
  return router;
}

const STYLE = `
  :root { color-scheme: dark; --bg: #0f0f14; --card: #191922; --text: #f2f2f5; --muted: #a0a0b0; --accent: #1ed760; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--text); font: 17px/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; }
  main { max-width: 720px; margin: 0 auto; padding: 48px 20px 64px; }
  .eyebrow { color: var(--muted); text-transform: uppercase; letter-spacing: .12em; font-size: 13px; margin: 0; }
  h1 { font-size: clamp(32px, 7vw, 56px); line-height: 1.05; margin: 8px 0 24px; letter-spacing: -.01em; }
  .card { background: var(--card); border-radius: 16px; padding: 24px; margin: 24px 0; }
  .description p { margin: 0 0 1em; }
  .grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; align-items: center; }
  @media (max-width: 600px) { .grid { grid-template-columns: 1fr; } }
  .genre { display: grid; grid-template-columns: 1fr auto; gap: 4px 12px; margin: 0 0 10px; font-size: 15px; }
  .bar { grid-column: 1 / -1; height: 6px; background: #2a2a36; border-radius: 3px; overflow: hidden; }
  .bar span { display: block; height: 100%; background: var(--accent); }
  .scores { display: flex; gap: 24px; color: var(--muted); font-size: 15px; }
  .scores strong { color: var(--text); font-size: 22px; display: block; }
  .punchline { font-size: 21px; line-height: 1.45; margin: 0 0 8px; }
  .quadrant { font-weight: 700; font-size: 19px; margin: 0 0 12px; }
  .actions { display: flex; flex-wrap: wrap; gap: 12px; margin: 24px 0; }
  .button { display: inline-block; padding: 12px 20px; border-radius: 999px; background: var(--accent); color: #0f0f14; font-weight: 700; text-decoration: none; }
  .button.secondary { background: transparent; color: var(--accent); border: 2px solid var(--accent); }
  footer { color: var(--muted); font-size: 14px; margin-top: 32px; }
  a { color: var(--accent); }
`;

/** The link-preview image of a page (Open Graph and Twitter's large card). */
export interface PageImage {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly alt: string;
}

export function layout(
  head: { title: string; description: string; url: string; image?: PageImage | undefined },
  body: SafeHtml,
): SafeHtml {
  const image = head.image;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${head.title}</title>
<meta name="description" content="${head.description}">
<meta property="og:title" content="${head.title}">
<meta property="og:description" content="${head.description}">
<meta property="og:type" content="website">
<meta property="og:url" content="${head.url}">
<meta property="og:site_name" content="unwrapped">
${
  image
    ? html`<meta property="og:image" content="${image.url}">
<meta property="og:image:type" content="image/png">
<meta property="og:image:width" content="${image.width}">
<meta property="og:image:height" content="${image.height}">
<meta property="og:image:alt" content="${image.alt}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="${image.url}">
<meta name="twitter:image:alt" content="${image.alt}">`
    : html`<meta name="twitter:card" content="summary">`
}
<meta name="twitter:title" content="${head.title}">
<meta name="twitter:description" content="${head.description}">
<meta name="robots" content="noindex">
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>`;
}

/**
 * The shared verdict. Order on a phone (one column): who and the label, the punchline, the chart and
 * genres, then the long text; the link preview shows the card image and, as its description, the label
 * and the punchline (not the verdict's opening sentence).
 */
/**
 * The share page. `token` makes the "Compare with my taste" link: the web app's `/compare/<token>`
 * creates the match for a signed-in visitor (one who is not signed in signs in first).
 */
export function renderVerdictPage(verdict: SharedVerdict, url: string, token: string): SafeHtml {
  const who = verdict.displayName ? `${verdict.displayName}'s` : "A listener's";
  const title = `${who} music taste: ${verdict.label}`;
  const punchline = choosePunchline(verdict.description);
  const summary = punchline ? `${verdict.label}: ${punchline}` : verdict.label;
  const quadrant = quadrantOf(verdict.mainstream, verdict.criticalAcclaim);
  const paragraphs = verdict.description
    .split(/\n+/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
  const genres = (verdict.profile.topGenres ?? []).slice(0, 6);
  return layout(
    {
      title,
      description: summary,
      url,
      image: {
        url: `${url}/card.png`,
        ...CARD_SIZES.card,
        alt: `${title}.${quadrant ? ` On the chart: ${quadrant}.` : ""} ${punchline}`.trim(),
      },
    },
    html`<main>
  <p class="eyebrow">${who} music taste, unwrapped</p>
  <h1>${verdict.label}</h1>
  ${punchline ? html`<p class="punchline">${punchline}</p>` : ""}
  <section class="card grid" aria-label="Where this taste sits">
    ${quadrantChart(verdict.mainstream, verdict.criticalAcclaim)}
    <div>
      ${
        verdict.mainstream === null || verdict.criticalAcclaim === null
          ? html`<p class="scores">Too little listening to place on the chart yet.</p>`
          : html`<p class="quadrant">${quadrant}</p><div class="scores">
        <div><strong>${percent(verdict.mainstream)}</strong>mainstream</div>
        <div><strong>${percent(verdict.criticalAcclaim)}</strong>critical acclaim</div>
      </div>`
      }
      ${
        genres.length > 0
          ? html`<h2 class="eyebrow" style="margin-top:24px">Top genres</h2>
      ${genres.map(
        (genre) => html`<div class="genre"><span>${genre.genre}</span><span>${percent(genre.share)}</span>
        <div class="bar"><span style="width:${Math.round(genre.share * 100)}%"></span></div></div>`,
      )}`
          : ""
      }
    </div>
  </section>
  <section class="card description">${paragraphs.map((paragraph) => html`<p>${paragraph}</p>`)}</section>
  <p class="actions"><a class="button" href="/">Get your own verdict</a> <a class="button secondary" href="/compare/${encodeURIComponent(token)}">Compare with my taste</a> <a class="button secondary" href="${url}/story.png" download="unwrapped-story.png">Download story image</a></p>
  <footer>Analysed ${verdict.analyzedAt.toISOString().slice(0, 10)} · <a href="/">unwrapped</a> tells you what your music taste says about you.</footer>
</main>`,
  );
}

/**
 * Mainstream on x (underground left, chart-topping right), critical acclaim on y (acclaimed on top), a
 * name in each quadrant. No dot when the verdict has no scores (too little listening).
 */
function quadrantChart(mainstream: number | null, criticalAcclaim: number | null): SafeHtml {
  const size = 280;
  const pad = 28;
  const inner = size - pad * 2;
  const scored = mainstream !== null && criticalAcclaim !== null;
  const label = scored
    ? `${quadrantOf(mainstream, criticalAcclaim)}: mainstream ${percent(mainstream)}, critical acclaim ${percent(criticalAcclaim)}`
    : "Not placed on the chart: too little listening";
  const dot = scored
    ? html`<circle cx="${(pad + clamp01(mainstream) * inner).toFixed(1)}" cy="${(pad + (1 - clamp01(criticalAcclaim)) * inner).toFixed(1)}" r="9" fill="#1ed760" stroke="#0f0f14" stroke-width="3"/>`
    : "";
  return html`<svg viewBox="0 0 ${size} ${size}" width="100%" role="img" aria-label="${label}" xmlns="http://www.w3.org/2000/svg">
  <rect x="${pad}" y="${pad}" width="${inner}" height="${inner}" rx="8" fill="#12121a" stroke="#2a2a36"/>
  <line x1="${size / 2}" y1="${pad}" x2="${size / 2}" y2="${size - pad}" stroke="#2a2a36"/>
  <line x1="${pad}" y1="${size / 2}" x2="${size - pad}" y2="${size / 2}" stroke="#2a2a36"/>
  <text x="${size / 2}" y="18" fill="#a0a0b0" font-size="11" text-anchor="middle">critically acclaimed</text>
  <text x="${size / 2}" y="${size - 8}" fill="#a0a0b0" font-size="11" text-anchor="middle">critically concerning</text>
  <text x="10" y="${size / 2}" fill="#a0a0b0" font-size="11" text-anchor="middle" transform="rotate(-90 10 ${size / 2})">underground</text>
  <text x="${size - 10}" y="${size / 2}" fill="#a0a0b0" font-size="11" text-anchor="middle" transform="rotate(90 ${size - 10} ${size / 2})">chart-topping</text>
  <text x="${pad + 8}" y="${pad + 18}" fill="#a0a0b0" font-size="11" font-weight="700">${QUADRANTS.topLeft}</text>
  <text x="${size - pad - 8}" y="${pad + 18}" fill="#a0a0b0" font-size="11" font-weight="700" text-anchor="end">${QUADRANTS.topRight}</text>
  <text x="${pad + 8}" y="${size - pad - 10}" fill="#a0a0b0" font-size="11" font-weight="700">${QUADRANTS.bottomLeft}</text>
  <text x="${size - pad - 8}" y="${size - pad - 10}" fill="#a0a0b0" font-size="11" font-weight="700" text-anchor="end">${QUADRANTS.bottomRight}</text>
  ${dot}
</svg>`;
}

/** The 404 page of a public link: a shared verdict's (/s/) or a match's (/m/). */
export function renderNotFoundPage(publicUrl: string, what: "verdict" | "match" = "verdict"): SafeHtml {
  const title = `This ${what} is not here`;
  return layout(
    {
      title,
      description: `The ${what === "verdict" ? "share" : "match"} link does not exist or was revoked by its owner.`,
      url: publicUrl,
    },
    html`<main>
  <p class="eyebrow">404</p>
  <h1>${title}</h1>
  <p>The link does not exist, or its owner stopped sharing it.</p>
  <footer><a href="/">unwrapped</a> tells you what your music taste says about you.</footer>
</main>`,
  );
}

function percent(value: number): string {
  return `${Math.round(clamp01(value) * 100)}%`;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
}

import { isAppError, type PublicMatch, type Services } from "@unwrapped/services";
import { CARD_SIZES } from "@unwrapped/share-cards";
import { Router } from "express";
import { html, PAGE_CSP, type SafeHtml } from "../html.js";
import { layout, renderNotFoundPage } from "./share-page.js";

/** GET /m/:token — the public page of a taste match; 404 once its link is revoked or rotated. */
export function matchPage(services: Services): Router {
  const router = Router();
  router.get("/m/:token", async (request, response) => {
    const token = request.params.token;
    response.setHeader("content-security-policy", PAGE_CSP);
    response.setHeader("cache-control", "no-cache");
    response.type("html");
    const valid = typeof token === "string" && /^[A-Za-z0-9_-]{16,128}$/.test(token);
    try {
      if (!valid) throw new Error("not a match token");
      const match = await services.matches.getPublic(token);
      response.send(renderMatchPage(match, `${services.config.server.publicUrl}/m/${token}`).value);
    } catch (error) {
      if (valid && !(isAppError(error) && error.code === "NOT_FOUND")) throw error;
      response.status(404).send(renderNotFoundPage(services.config.server.publicUrl, "match").value);
    }
  });
  return router;
}

const DIFFERENCE_LABELS: Record<NonNullable<PublicMatch["biggestDifference"]>["dimension"], string> = {
  underground: "underground",
  acclaim: "critical acclaim",
  mainstream: "mainstream",
  loyalty: "loyalty",
  diversity: "genre diversity",
  era: "era",
};

export function renderMatchPage(match: PublicMatch, url: string): SafeHtml {
  const you = match.you.displayName ?? "A listener";
  const them = match.them.displayName ?? "a friend";
  const percent = `${Math.round(match.compatibility * 100)}%`;
  const title = `${you} × ${them}: ${percent} compatible — ${match.label}`;
  const difference = match.biggestDifference;
  const formatValue = (value: number) =>
    difference?.dimension === "era" ? String(Math.round(value)) : `${Math.round(value * 100)}%`;
  return layout(
    {
      title,
      description: match.description.slice(0, 200),
      url,
      image: { url: `${url}/card.png`, ...CARD_SIZES.card, alt: `${title}.` },
    },
    html`<main>
  <p class="eyebrow">${you} × ${them}, unwrapped</p>
  <h1>${match.label}</h1>
  <section class="card scores" aria-label="Compatibility">
    <div><strong>${percent}</strong>compatible</div>
    <div><strong>${match.you.label}</strong>${you}</div>
    <div><strong>${match.them.label}</strong>${them}</div>
  </section>
  <section class="card description"><p>${match.description}</p></section>
  <section class="card">
    <h2 class="eyebrow">Shared artists</h2>
    <p>${match.sharedArtists.length > 0 ? match.sharedArtists.slice(0, 10).join(", ") : "None in common yet."}</p>
    <h2 class="eyebrow">Shared genres</h2>
    <p>${match.sharedGenres.length > 0 ? match.sharedGenres.slice(0, 10).join(", ") : "None in common yet."}</p>
    ${
      difference
        ? html`<h2 class="eyebrow">Biggest difference</h2>
    <p>${DIFFERENCE_LABELS[difference.dimension]}: ${you} ${formatValue(difference.you)}, ${them} ${formatValue(difference.them)}</p>`
        : ""
    }
  </section>
  <p class="actions"><a class="button" href="/">Get your own verdict</a> <a class="button secondary" href="${url}/story.png" download="unwrapped-match.png">Download story image</a></p>
  <footer>Matched ${match.createdAt.toISOString().slice(0, 10)} · <a href="/">unwrapped</a> tells you what your music taste says about you.</footer>
</main>`,
  );
}

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Services } from "@unwrapped/services";
import express, { Router } from "express";

/** The app's pages: index.html answers each of them, and the app's router picks the view. */
const APP_ROUTES = ["/", "/analysis/:id", "/history", "/match/:id", "/matches", "/compare/:token"];

/**
 * The app runs only its own scripts and styles; it talks to this origin only (the API, the session
 * routes, SSE); images come from Spotify's CDN. No inline script, no eval, no framing.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https://i.scdn.co data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Finds the built app (apps/web/dist): from the source (apps/server/src/routes) and from the bundle
 * (apps/server/dist) alike, by walking up to the folder that holds apps/web/dist/index.html.
 */
export function findWebRoot(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let directory = resolve(from);
  for (;;) {
    const candidate = join(directory, "apps", "web", "dist");
    if (existsSync(join(candidate, "index.html"))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

/**
 * Serves the web app from its built files: hashed assets (/assets/*) cached for a year as immutable,
 * index.html never cached, and index.html for each of the app's routes (so /analysis/:id survives a
 * reload). Without a build, the pages answer 503 with the command that builds it.
 */
export function webApp(services: Services, webRoot: string | null): Router {
  const router = Router();
  if (!webRoot) {
    services.logger.warn("apps/web is not built: / answers 503 until `pnpm build` builds it");
    router.get(APP_ROUTES, (_request, response) => {
      response.setHeader("cache-control", "no-store");
      response
        .status(503)
        .type("text")
        .send(
          "The web app is not built yet. Run `pnpm build` (or `pnpm start`, which builds it) and reload.",
        );
    });
    return router;
  }
  const index = readFileSync(join(webRoot, "index.html"));
  router.use(
    "/assets",
    express.static(join(webRoot, "assets"), {
      immutable: true,
      maxAge: "365d",
      index: false,
    }),
  );
  router.get(APP_ROUTES, (_request, response) => {
    response.setHeader("content-security-policy", APP_CSP);
    response.setHeader("cache-control", "no-cache");
    response.type("html").send(index);
  });
  // Files next to index.html (the icon): cached briefly, they have no hash in their name.
  router.use(express.static(webRoot, { index: false, maxAge: "1h" }));
  return router;
}

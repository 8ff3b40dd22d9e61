import { createRequire } from "node:module";
import path from "node:path";
import { createOpenApiDocument } from "@unwrapped/api";
import type { Services } from "@unwrapped/services";
import express, { Router } from "express";
import { html } from "../html.js";

/**
 * /docs' own policy: Swagger UI's script and stylesheet from this server, nothing from anywhere else.
 * It sets element styles (allowed by 'unsafe-inline' for styles only), draws icons from data: URLs, and
 * calls the API (and fetches the document) on this origin.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Swagger UI's files, served from the npm package (no CDN): only those the page loads. */
const SWAGGER_UI_FILES = new Set(["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]);

const swaggerUiDirectory = path.dirname(
  createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"),
);

/** GET /api/openapi.json (the OpenAPI 3.1 document of /api/v1) and GET /docs (Swagger UI on it). */
export function apiDocs(services: Services): Router {
  const router = Router();
  const document = JSON.stringify(
    createOpenApiDocument({ publicUrl: services.config.server.publicUrl, version: "1" }),
  );

  router.get("/api/openapi.json", (_request, response) => {
    response.setHeader("cache-control", "no-cache");
    response.type("json").send(document);
  });

  router.get("/docs", (_request, response) => {
    response.setHeader("content-security-policy", DOCS_CSP);
    response.setHeader("cache-control", "no-cache");
    response.type("html").send(DOCS_PAGE);
  });

  router.get("/docs/docs.js", (_request, response) => {
    response.setHeader("cache-control", "no-cache");
    response.type("js").send(DOCS_SCRIPT);
  });

  const assets = express.static(swaggerUiDirectory, { index: false, maxAge: "1d", fallthrough: false });
  router.use("/docs/assets", (request, response, next) => {
    if (!SWAGGER_UI_FILES.has(request.path.slice(1))) {
      next();
      return;
    }
    assets(request, response, next);
  });
  return router;
}

const DOCS_PAGE = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>unwrapped API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/docs.js"></script>
</body>
</html>
`.value;

/** Swagger UI on our document; "Authorize" takes the bearer access token; no remote validator badge. */
const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

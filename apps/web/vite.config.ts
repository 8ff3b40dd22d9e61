import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The API server `pnpm dev` proxies to (scripts/dev.ts sets it); the paths the app calls on it. */
const api = process.env.UNWRAPPED_API_URL ?? "http://127.0.0.1:8000";
const proxied = ["/trpc", "/auth", "/s/", "/sandbox", "/healthz", "/readyz"];

/**
 * The web app: `vite build` writes dist/ (hashed assets under dist/assets, which apps/server serves as
 * immutable); `vite` (in `pnpm dev`) serves the sources with hot reload and proxies the API.
 */
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // No inline scripts or styles anywhere: the server's CSP is script-src 'self', style-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    host: "127.0.0.1",
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: api, changeOrigin: false, ws: false }])),
  },
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sharedTestOptions } from "../../vitest.shared.js";

/**
 * `pnpm test:e2e`: the browser journey — Debian's Chromium driven by playwright-core against the real
 * server (demo mode, loopback port) serving the built app. Not part of `pnpm test`: it needs the app
 * built and /usr/bin/chromium; `.ci/run` runs it as its own step.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    ...sharedTestOptions({ database: true }),
    include: ["e2e/**/*.e2e.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

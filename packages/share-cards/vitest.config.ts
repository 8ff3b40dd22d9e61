import { defineConfig } from "vitest/config";
import { sharedTestOptions } from "../../vitest.shared.js";

/** This package's tests on their own (`pnpm --filter <package> test`); `pnpm test` runs them all at once. */
export default defineConfig({
  test: { ...sharedTestOptions({ database: true }), include: ["test/**/*.test.ts"] },
});

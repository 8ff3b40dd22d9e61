import { defineConfig } from "vitest/config";
import { sharedTestOptions } from "./vitest.shared.js";

/** `pnpm test`: every package's and app's tests in one run (one database image for all of them). */
export default defineConfig({
  test: {
    ...sharedTestOptions({ database: true }),
    include: [
      "packages/*/test/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "apps/web/test/**/*.test.tsx",
      "bench/test/**/*.test.ts",
    ],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "apps/*/src/**/*.ts", "apps/web/src/**/*.tsx"],
      reporter: ["text-summary", "text"],
    },
  },
});

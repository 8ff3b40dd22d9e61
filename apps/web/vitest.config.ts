import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";
import { sharedTestOptions } from "../../vitest.shared.js";

/** The app's component tests on their own (`pnpm --filter @unwrapped/web test`); `pnpm test` runs them too. */
export default defineConfig({
  plugins: [react()],
  test: {
    ...sharedTestOptions({ database: false }),
    environment: "happy-dom",
    include: ["test/**/*.test.tsx"],
  },
});

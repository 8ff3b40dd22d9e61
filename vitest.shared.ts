import { fileURLToPath } from "node:url";
/**
 * Settings every test run shares: the root's `pnpm test` (all packages in one run) and each package's
 * own `test` script. `database`: the run migrates one database image first (PGlite dump or PostgreSQL
 * template) that each test file starts from; packages that never open a database skip it.
 * A plain object (no vitest types), so each package's own vitest accepts it.
 */
export function sharedTestOptions(options: { database: boolean }) {
  return {
    pool: "forks" as const,
    // Both cores: vitest's default leaves one free, which ran the files one at a time on 2-core machines.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: "test" },
    ...(options.database
      ? { globalSetup: [fileURLToPath(new URL("packages/db/src/testing/global-setup.ts", import.meta.url))] }
      : {}),
  };
}

import { defineConfig } from "drizzle-kit";

// Paths are relative to the repository root, where `pnpm db:generate` runs.
export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/db/src/schema.ts",
  out: "./migrations",
  casing: "snake_case",
});

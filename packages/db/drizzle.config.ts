import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "drizzle-kit";

// Paths from wherever drizzle-kit runs (it wants them relative), so it finds the schema and the
// repository's migrations/ from the root (`pnpm db:generate`) and from here (`drizzle-kit check`).
const packageDirectory = dirname(fileURLToPath(import.meta.url));
const fromHere = (path: string) => relative(process.cwd(), join(packageDirectory, path)) || ".";

export default defineConfig({
  dialect: "postgresql",
  schema: fromHere("src/schema.ts"),
  out: fromHere("../../migrations"),
  casing: "snake_case",
});

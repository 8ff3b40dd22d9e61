/**
 * Builds an app (apps/server, apps/worker, apps/cli) into its dist/ with esbuild: src/main.ts becomes
 * dist/main.js, one ESM file for plain `node`. Run from the app's directory (its `build` script):
 *
 *   tsx ../../scripts/build-app.ts [--self-contained] [--out-dir DIR]
 *
 * - The workspace packages (`@unwrapped/*`) export TypeScript source, so they are always bundled.
 * - Third-party packages stay external and are loaded from node_modules at run time (PGlite finds its
 *   wasm next to its own files, pino its workers, native addons their binaries, ...). Each must be a
 *   dependency of the app itself, or node would not find it from dist/: the build fails, naming the
 *   package, when one is not. The exception is BUNDLED_PACKAGES: plain JavaScript that reads no files
 *   of its own at run time, bundled because resolving and loading their hundreds of small files is most
 *   of a start's module loading (a server start: 1.2 s bundled against 1.5 s external).
 * - `--self-contained` bundles third-party packages too (the CLI: one file, nothing to resolve, fast).
 * - `--lazy NAME=SOURCE` builds SOURCE into dist/NAME.js on its own, with third-party packages external
 *   (checked like an app's), and points the main bundle's `import()` of SOURCE at it: code a command
 *   needs rarely (the CLI's database-backed `admin` commands) costs nothing to the other commands.
 * - Files the bundled code reads at run time go next to the bundle: when packages/db's migrate.ts is in
 *   it, the repository's migrations/ is copied to dist/migrations (migrate.ts looks for the nearest
 *   migrations/ folder above itself, which is then that copy).
 */
import { chmodSync, cpSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build, type Plugin } from "esbuild";

const REPOSITORY_ROOT = resolve(import.meta.dirname, "..");
const MIGRATE_MODULE = "packages/db/src/migrate.ts";

export interface BuildAppOptions {
  /** The app's directory (holding package.json and src/main.ts). */
  readonly appDirectory: string;
  /** Where main.js goes; `<appDirectory>/dist` by default. */
  readonly outDirectory?: string;
  /** Bundle third-party packages too. */
  readonly selfContained?: boolean;
  /** Modules built into a file of their own (name -> source path relative to the app), loaded on demand. */
  readonly lazyEntries?: Readonly<Record<string, string>>;
}

export interface BuiltApp {
  readonly outFile: string;
  /** Source files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

/** A build that must not be used, with what to do about it (one line per problem). */
export class BuildError extends Error {
  override readonly name = "BuildError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

interface PackageJson {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly bin?: Record<string, string>;
}

export async function buildApp(options: BuildAppOptions): Promise<BuiltApp> {
  const appDirectory = resolve(options.appDirectory);
  const outDirectory = resolve(appDirectory, options.outDirectory ?? "dist");
  const manifest = JSON.parse(readFileSync(join(appDirectory, "package.json"), "utf8")) as PackageJson;
  rmSync(outDirectory, { recursive: true, force: true });
  const outFile = join(outDirectory, "main.js");
  const missing = new Map<string, string>();
  const result = await build({
    absWorkingDir: REPOSITORY_ROOT,
    entryPoints: [join(appDirectory, "src", "main.ts")],
    outfile: outFile,
    bundle: true,
    platform: "node",
    target: "node20.19",
    format: "esm",
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
    // A bin runs as a file of its own; the others are started as `node dist/main.js`.
    banner: {
      js: [
        ...(manifest.bin ? ["#!/usr/bin/env node"] : []),
        // Bundled CommonJS packages (the CLI's) may call require(); ESM has none of its own.
        ...(options.selfContained || BUNDLED_PACKAGES.size > 0
          ? [
              'import { createRequire as __createRequire } from "node:module";',
              "const require = __createRequire(import.meta.url);",
            ]
          : []),
      ].join("\n"),
    },
    plugins: [
      ...(options.selfContained ? [] : [thirdPartyExternal(manifest, missing)]),
      lazyEntriesExternal(appDirectory, options.lazyEntries ?? {}),
    ],
  });
  const lazyInputs: string[] = [];
  for (const [name, source] of Object.entries(options.lazyEntries ?? {})) {
    const lazy = await build({
      absWorkingDir: REPOSITORY_ROOT,
      entryPoints: [join(appDirectory, source)],
      outfile: join(outDirectory, `${name}.js`),
      bundle: true,
      platform: "node",
      target: "node20.19",
      format: "esm",
      sourcemap: true,
      metafile: true,
      logLevel: "warning",
      // Bundled CommonJS packages may call require(), as in the main bundle.
      banner: {
        js: [
          'import { createRequire as __createRequire } from "node:module";',
          "const require = __createRequire(import.meta.url);",
        ].join("\n"),
      },
      plugins: [thirdPartyExternal(manifest, missing)],
    });
    lazyInputs.push(...Object.keys(lazy.metafile.inputs));
  }
  if (missing.size > 0) {
    rmSync(outDirectory, { recursive: true, force: true });
    throw new BuildError(
      [...missing].map(
        ([name, importer]) =>
          `"${name}" (imported by ${importer}) is not a dependency of ${manifest.name}: add it to its package.json, so node finds it from dist/.`,
      ),
    );
  }
  if (manifest.bin) chmodSync(outFile, 0o755);
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...lazyInputs])];
  if (inputs.includes(MIGRATE_MODULE)) {
    cpSync(join(REPOSITORY_ROOT, "migrations"), join(outDirectory, "migrations"), { recursive: true });
  }
  return { outFile, inputs };
}

/**
 * Leaves third-party packages to node_modules, and records those the app does not depend on
 * (package name -> the first file importing it).
 */
function thirdPartyExternal(manifest: PackageJson, missing: Map<string, string>): Plugin {
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  return {
    name: "third-party-external",
    setup(plugin) {
      plugin.onResolve({ filter: /^[^./#]/ }, (args) => {
        if (isAbsolute(args.path)) return undefined;
        const name = packageName(args.path);
        if (name.startsWith("@unwrapped/")) return undefined; // workspace source: bundled
        if (args.path.startsWith("node:") || BUILTINS.has(name)) return { external: true };
        // A bundled package's own imports are bundled too (its dependencies are not the app's): esbuild
        // only sees imports from node_modules inside a bundled package, as external ones are not read.
        if (BUNDLED_PACKAGES.has(name) || args.importer.includes("/node_modules/")) return undefined;
        if (!declared.has(name) && !missing.has(name)) {
          missing.set(name, args.importer.replace(`${REPOSITORY_ROOT}/`, ""));
        }
        return { external: true };
      });
    },
  };
}

/** An import of a lazy entry's source becomes an import of its built file next to the bundle. */
function lazyEntriesExternal(appDirectory: string, entries: Readonly<Record<string, string>>): Plugin {
  const withoutExtension = (path: string) => path.replace(/\.[cm]?[jt]s$/, "");
  const byPath = new Map(
    Object.entries(entries).map(([name, source]) => [withoutExtension(join(appDirectory, source)), name]),
  );
  return {
    name: "lazy-entries-external",
    setup(plugin) {
      plugin.onResolve({ filter: /^\./ }, (args) => {
        const name = byPath.get(withoutExtension(resolve(args.resolveDir, args.path)));
        return name === undefined ? undefined : { path: `./${name}.js`, external: true };
      });
    },
  };
}

function packageName(specifier: string): string {
  const [first = "", second = ""] = specifier.split("/");
  return first.startsWith("@") ? `${first}/${second}` : first;
}

const BUILTINS = new Set(builtinModules);

/** Third-party packages bundled into every app (pure JavaScript; no files of their own read at run time). */
const BUNDLED_PACKAGES: ReadonlySet<string> = new Set([
  "@trpc/server",
  "drizzle-orm",
  "express",
  "jose",
  "postgres",
  "selfsigned",
  "superjson",
  "trpc-to-openapi",
  "undici",
  "zod",
  "zod-openapi",
]);

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      "self-contained": { type: "boolean", default: false },
      "out-dir": { type: "string" },
      lazy: { type: "string", multiple: true, default: [] },
    },
  });
  const lazyEntries = Object.fromEntries(
    values.lazy.map((entry) => {
      const [name = "", source = ""] = entry.split("=");
      return [name, source];
    }),
  );
  const started = performance.now();
  const built = await buildApp({
    appDirectory: process.cwd(),
    selfContained: values["self-contained"],
    lazyEntries,
    ...(values["out-dir"] ? { outDirectory: values["out-dir"] } : {}),
  }).catch((error: unknown) => {
    // esbuild has printed its own errors already; ours are one line each.
    if (error instanceof BuildError) console.error(error.message);
    process.exit(1);
  });
  console.log(
    `built ${built.outFile.replace(`${REPOSITORY_ROOT}/`, "")} from ${built.inputs.length} files in ${Math.round(performance.now() - started)} ms`,
  );
}

#!/usr/bin/env node
/**
 * Builds the command-line program into dist/cli (`npm run build:cli`; `prepare` runs it on install): esbuild bundles
 * src/cli/main.ts and the routing matrix worker (its own entry, found beside the chunks at run time) as ES modules
 * for Node 20, split into chunks so each command loads only its own code. Pure-JavaScript light dependencies are
 * bundled; every other dependency (native or heavy: better-sqlite3, pg, fastify, …) stays external and is loaded
 * from node_modules only by the command that needs it.
 *
 * The output is written to a temporary folder and swapped in with renames, so an interrupted or failed build never
 * leaves a half-written dist/cli. Plain JavaScript, so building needs no TypeScript runtime. Options: --metafile
 * writes dist/cli/meta.json (bundle composition).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Dependencies small and pure enough to bundle (parsed once with the program instead of resolved from node_modules). */
const BUNDLED = new Set(["commander", "csv-parse", "yaml", "zod"]);

/** Source folders whose code shapes the compiled network; their hash is part of the network cache key. */
const COMPILER_SOURCE_DIRS = ["src/network", "src/graph"];

/** sha256 of the compiler's source files (sorted relative paths and bytes); src/network/code-hash.ts computes the same. */
function compilerSourceHash() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  for (const dir of COMPILER_SOURCE_DIRS) walk(dir);
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

async function main() {
  const { build } = await import("esbuild");
  const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})].filter(
    (name) => !BUNDLED.has(name),
  );
  const distDir = join(root, "dist");
  const finalDir = join(distDir, "cli");
  const tmpDir = join(distDir, `.cli-build-${process.pid}`);
  const oldDir = join(distDir, `.cli-old-${process.pid}`);
  mkdirSync(distDir, { recursive: true });
  rmSync(tmpDir, { recursive: true, force: true });
  const compilerHash = compilerSourceHash();
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { main: "src/cli/main.ts", "matrix-worker": "src/routing/matrix-worker.ts" },
      outdir: tmpDir,
      // chunks stay beside the entries: modules locate siblings (the matrix worker, ../../data) from import.meta.url
      chunkNames: "[name]-[hash]",
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external,
      // not minified: stack traces of internal errors keep their function names
      metafile: true,
      logLevel: "warning",
      legalComments: "linked",
      define: { __CARAVAN_COMPILER_HASH__: JSON.stringify(compilerHash) },
      // bundled CommonJS dependencies call require() for Node built-ins
      banner: { js: 'import { createRequire as __caravanCreateRequire } from "node:module";\nconst require = __caravanCreateRequire(import.meta.url);' },
    });
    const info = { name: pkg.name, version: pkg.version, compilerHash, external, bundled: [...BUNDLED] };
    writeFileSync(join(tmpDir, "build-info.json"), `${JSON.stringify(info, null, 2)}\n`);
    if (process.argv.includes("--metafile")) writeFileSync(join(tmpDir, "meta.json"), JSON.stringify(result.metafile));
    // swap in: the old build stays complete until the new one is in place
    if (existsSync(finalDir)) renameSync(finalDir, oldDir);
    renameSync(tmpDir, finalDir);
    rmSync(oldDir, { recursive: true, force: true });
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    console.log(`built ${relative(root, finalDir)}: ${Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js")).length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  } catch (error) {
    rmSync(tmpDir, { recursive: true, force: true });
    if (existsSync(oldDir) && !existsSync(finalDir)) renameSync(oldDir, finalDir);
    throw error;
  }
}

main().catch((error) => {
  console.error(`build-cli: ${error?.message ?? error}`);
  process.exit(1);
});

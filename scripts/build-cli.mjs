#!/usr/bin/env node
/**
 * Builds the command-line program into dist/cli (`npm run build:cli`; `prepare` runs it on install): esbuild bundles
 * src/cli/main.ts and the worker-thread entries (routing matrix, sweeps, server jobs; each found beside the chunks at
 * run time) as ES modules for Node 20, split into chunks so each command loads only its own code. Pure-JavaScript light dependencies are
 * bundled; every other dependency (native or heavy: better-sqlite3, pg, fastify, …) stays external and is loaded
 * from node_modules only by the command that needs it.
 *
 * The output is written to a temporary folder and swapped in with renames, so an interrupted or failed build never
 * leaves a half-written dist/cli. Plain JavaScript, so building needs no TypeScript runtime. Options: --metafile
 * writes dist/cli/meta.json (bundle composition).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Dependencies small and pure enough to bundle (parsed once with the program instead of resolved from node_modules). */
const BUNDLED = new Set(["commander", "csv-parse", "yaml", "zod"]);

/**
 * Worker-thread entries, built beside the chunks where the modules that start them look (`new URL("./<name>.js",
 * import.meta.url)`): name → source. An entry whose source is absent is left out (its starter then falls back).
 */
export const WORKER_ENTRIES = {
  "matrix-worker": "src/routing/matrix-worker.ts",
  "sweep-worker": "src/scenarios/sweep-worker.ts",
  "sweep-thread": "src/sweeps/thread.ts",
  "job-worker": "src/server/jobs/worker.ts",
};

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

/**
 * A stamp of everything the build reads: sha256 over the sources under src/, package.json and this script (sorted
 * paths and bytes). build-info.json records it, so a caller can tell whether dist/cli is up to date.
 */
export function sourceStamp() {
  const files = ["package.json", "scripts/build-cli.mjs"];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk("src");
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** True when dist/cli exists and was built from the sources as they are now. */
export function isBuildCurrent() {
  try {
    return JSON.parse(readFileSync(join(root, "dist", "cli", "build-info.json"), "utf8")).sourceStamp === sourceStamp();
  } catch {
    return false;
  }
}

/**
 * Put the new build in place: the old one is renamed aside (complete until then), the new one renamed in, the old
 * one removed. Another build finishing at the same moment makes a rename fail; the swap then simply runs again.
 */
function swapIn(tmpDir, finalDir, oldDir) {
  for (let attempt = 0; ; attempt++) {
    try {
      if (existsSync(finalDir)) renameSync(finalDir, `${oldDir}-${attempt}`);
      renameSync(tmpDir, finalDir);
      break;
    } catch (error) {
      if (attempt >= 10 || !["ENOENT", "ENOTEMPTY", "EEXIST"].includes(error?.code)) throw error;
    }
  }
  for (const name of readdirSync(dirname(oldDir))) {
    if (name.startsWith(basename(oldDir))) rmSync(join(dirname(oldDir), name), { recursive: true, force: true });
  }
}

/**
 * esbuild options of the CLI build: `entryPoints` (name → source) bundled into `outdir`, plus the worker entries
 * (WORKER_ENTRIES), written beside the chunks where their starters look for them. Exported so tests can bundle
 * another entry the same way.
 */
export function cliBuildOptions(outdir, entryPoints = { main: "src/cli/main.ts" }, stamp = undefined) {
  const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})].filter(
    (name) => !BUNDLED.has(name),
  );
  return {
    absWorkingDir: root,
    entryPoints: { ...entryPoints, ...Object.fromEntries(Object.entries(WORKER_ENTRIES).filter(([, source]) => existsSync(join(root, source)))) },
    outdir,
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
    define: { __CARAVAN_COMPILER_HASH__: JSON.stringify(compilerSourceHash()), __CARAVAN_SOURCE_STAMP__: JSON.stringify(stamp ?? sourceStamp()) },
    // bundled CommonJS dependencies call require() for Node built-ins
    banner: { js: 'import { createRequire as __caravanCreateRequire } from "node:module";\nconst require = __caravanCreateRequire(import.meta.url);' },
  };
}

async function main() {
  const { build } = await import("esbuild");
  const distDir = join(root, "dist");
  const finalDir = join(distDir, "cli");
  const tmpDir = join(distDir, `.cli-build-${process.pid}`);
  const oldDir = join(distDir, `.cli-old-${process.pid}`);
  mkdirSync(distDir, { recursive: true });
  rmSync(tmpDir, { recursive: true, force: true });
  try {
    const stamp = sourceStamp();
    const options = cliBuildOptions(tmpDir, undefined, stamp);
    const result = await build(options);
    const compilerHash = JSON.parse(options.define.__CARAVAN_COMPILER_HASH__);
    const external = options.external;
    const info = { name: pkg.name, version: pkg.version, compilerHash, sourceStamp: stamp, external, bundled: [...BUNDLED] };
    writeFileSync(join(tmpDir, "build-info.json"), `${JSON.stringify(info, null, 2)}\n`);
    if (process.argv.includes("--metafile")) writeFileSync(join(tmpDir, "meta.json"), JSON.stringify(result.metafile));
    swapIn(tmpDir, finalDir, oldDir);
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    console.log(`built ${relative(root, finalDir)}: ${Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js")).length} files, ${(bytes / 1e6).toFixed(2)} MB`);
  } catch (error) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(`build-cli: ${error?.message ?? error}`);
    process.exit(1);
  });
}

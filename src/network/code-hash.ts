/**
 * The identity of the code that compiles a network, for the compiled-network cache key: a cache entry made by other
 * compiler code (other cost rules, another layout) must never be served. It is the sha256 of the source files of
 * src/network and src/graph (sorted relative paths and bytes). The build (scripts/build-cli.mjs) computes the same
 * hash and bakes it into dist/cli; running from the sources (tsx, vitest) it is computed from the files once per
 * process.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageInfo } from "../core/package";

/** Replaced by the build with the hash of the sources it bundled; undefined when running from the sources. */
declare const __CARAVAN_COMPILER_HASH__: string | undefined;

/** Source folders whose code shapes the compiled network (the build script lists the same). */
export const COMPILER_SOURCE_DIRS: readonly string[] = ["src/network", "src/graph"];

let computed: string | undefined;

/** sha256 (hex) of the compiler's source files, as baked into the build or read from the sources. */
export function compilerCodeHash(): string {
  if (typeof __CARAVAN_COMPILER_HASH__ === "string") return __CARAVAN_COMPILER_HASH__;
  computed ??= hashSourceDirs(packageInfo().root, COMPILER_SOURCE_DIRS);
  return computed;
}

/** sha256 of every `.ts` file under `dirs` (relative to `root`), in sorted path order: path, NUL, bytes, NUL. */
export function hashSourceDirs(root: string, dirs: readonly string[]): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** The code part of a cache entry's name: package version and compiler hash, shortened. */
export function compilerCacheKey(): string {
  return createHash("sha256").update(`${packageInfo().version}\0${compilerCodeHash()}`).digest("hex").slice(0, 16);
}

/**
 * The source files of a dataset folder and their hash: which files feed a network (the loader reads them, the
 * compiled-network cache keys on them) and the sha256 over their paths and bytes. Kept apart from the loader so the
 * cache can be checked without loading the parsers.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The files with extension `ext` in `dir/sub`, as `sub/name`, sorted; [] when the folder is absent. */
export function listFiles(dir: string, sub: string, ext: string): string[] {
  const folder = join(dir, sub);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith(ext) && !f.startsWith("."))
    .sort()
    .map((f) => `${sub}/${f}`);
}

/** sha256 over every source file's relative path and bytes, in sorted path order. */
export function hashFiles(dir: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort()) {
    hash.update(file);
    hash.update("\0");
    hash.update(readFileSync(join(dir, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** The dataset files that feed a network (for cache keys), relative to `dir`. */
export function datasetFiles(dir: string): string[] {
  const files: string[] = [];
  for (const f of ["modes.yaml", "cargo.yaml", "chokepoints.yaml", "operations.yaml"]) if (existsSync(join(dir, f))) files.push(f);
  for (const [sub, ext] of [
    ["sources", ".yaml"],
    ["places", ".csv"],
    ["links", ".csv"],
    ["links", ".yaml"],
    ["borders", ".yaml"],
    ["terminals", ".yaml"],
    ["ferries", ".yaml"],
    ["projects", ".yaml"],
    ["rules", ".yaml"],
  ] as const) {
    files.push(...listFiles(dir, sub, ext));
  }
  return files;
}

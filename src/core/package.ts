/**
 * Where the Caravan package lives and which version it is, found from this module's own location (the source tree
 * under tsx/vitest or the built dist/cli of an installed package), never from the current folder: the embedded
 * dataset and reference tables are read relative to the package, so the program works from any folder.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PackageInfo {
  /** Absolute path of the package folder (the one with Caravan's package.json). */
  readonly root: string;
  /** The package version (package.json `version`). */
  readonly version: string;
}

let cached: PackageInfo | undefined;

/** The package folder and version: the nearest ancestor folder of this module whose package.json names `caravan`. */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "caravan" && typeof pkg.version === "string") {
        cached = { root: dir, version: pkg.version };
        return cached;
      }
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of caravan above ${start}`);
  }
}

/** The embedded Eurasia network dataset shipped with the package (`data/eurasia`), as an absolute path. */
export function embeddedDatasetDir(): string {
  return join(packageInfo().root, "data", "eurasia");
}

let codeVersionMemo: string | undefined;

/**
 * The code that produced a result: `caravan@<package version>+<git commit, 12 hex>` when the package folder is a git
 * checkout, else `caravan@<package version>`. Read from the package's own .git (never the current folder), once per
 * process; run manifests, the run store and sweep job ids record it.
 */
export function codeVersion(): string {
  if (codeVersionMemo) return codeVersionMemo;
  const { root, version } = packageInfo();
  const commit = gitCommit(join(root, ".git"));
  codeVersionMemo = commit ? `caravan@${version}+${commit.slice(0, 12)}` : `caravan@${version}`;
  return codeVersionMemo;
}

/** The commit HEAD points at in a git folder (loose or packed ref), or null. */
function gitCommit(gitDir: string): string | null {
  try {
    if (!existsSync(gitDir) || !statSync(gitDir).isDirectory()) return null;
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = head.slice(5);
    const loose = join(gitDir, ref);
    if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
    const packed = readFileSync(join(gitDir, "packed-refs"), "utf8");
    const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
    return line ? (line.split(" ")[0] ?? null) : null;
  } catch {
    return null;
  }
}

/** Replaced by the build (scripts/build-cli.mjs) with the stamp of the sources it bundled; undefined from the sources. */
declare const __CARAVAN_SOURCE_STAMP__: string | undefined;

let sourceStampMemo: string | undefined;

/**
 * sha256 of everything the build reads — package.json, scripts/build-cli.mjs and every file under src/ (sorted paths,
 * then path, NUL, bytes, NUL) — the same stamp as build-info.json's `sourceStamp`. Baked into dist/cli by the build;
 * computed from the files once per process when running from the sources. Unlike the commit in codeVersion(), it
 * sees uncommitted edits, so a result of changed code is never replayed as if the code were the same.
 */
export function sourceStamp(): string {
  if (typeof __CARAVAN_SOURCE_STAMP__ === "string") return __CARAVAN_SOURCE_STAMP__;
  sourceStampMemo ??= sourceStampOf(packageInfo().root);
  return sourceStampMemo;
}

/** The stamp of the sources in the package folder `root` (see sourceStamp). */
export function sourceStampOf(root: string): string {
  const files = ["package.json", "scripts/build-cli.mjs"];
  const walk = (dir: string) => {
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
    if (existsSync(join(root, file))) hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** What a stored result's key says about the code: codeVersion() and the first 16 hex of sourceStamp(). */
export function codeIdentity(): string {
  return `${codeVersion()}#${sourceStamp().slice(0, 16)}`;
}

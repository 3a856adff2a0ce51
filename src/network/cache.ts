/**
 * The compiled-network cache. The key sees both the data and the code: an entry is
 * `<cacheDir>/<datasetHash>-<codeKey>.bin` (the buffer) and `.json` (the sidecar), where datasetHash is the sha256
 * of the dataset's source files and codeKey hashes the package version with the compiler's source (code-hash.ts), so
 * a changed compiler never revives an old entry. Writes are atomic; the cache keeps the newest MAX_CACHE_ENTRIES
 * entries. The cache lives in the user's cache folder — `$CARAVAN_CACHE_DIR/network`, else
 * `$XDG_CACHE_HOME/caravan/network`, else `~/.cache/caravan/network` — never inside the package (a global install is
 * read-only) or the current folder.
 *
 * This module loads no parser: reviving a cached network (`openCachedNetwork`) needs only the file list, the binary
 * form and its checker, so a route query from the cache starts without the loader (open.ts builds on a miss).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../core/atomic-write";
import { CaravanError, isCaravanError } from "../core/errors";
import { fromBuffer, sidecarOf } from "./binary";
import { checkCompiledNetwork } from "./check";
import { compilerCacheKey } from "./code-hash";
import type { CompiledNetwork } from "./compiled";
import { datasetFiles, hashFiles } from "./files";

/** Number of compiled networks the cache keeps (the most recently written). */
export const MAX_CACHE_ENTRIES = 8;

/** The user's cache folder for compiled networks (see the module comment); `env` is for tests. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CARAVAN_CACHE_DIR) return resolve(env.CARAVAN_CACHE_DIR, "network");
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, "caravan", "network");
  return join(homedir(), ".cache", "caravan", "network");
}

/** The two files of the cache entry of a dataset hash under the running code. */
export function cacheEntryPaths(cacheDir: string, sourceHash: string): { bin: string; json: string } {
  const base = join(cacheDir, `${sourceHash}-${compilerCacheKey()}`);
  return { bin: `${base}.bin`, json: `${base}.json` };
}

/** sha256 of the dataset's source files (the cache key). */
export function datasetHash(dir: string): string {
  if (!existsSync(dir)) throw new CaravanError("E_FILE_NOT_FOUND", `dataset folder ${dir} does not exist (pass --data <dir>)`, { details: { file: dir } });
  return hashFiles(dir, datasetFiles(dir));
}

/** Read a cached compiled network; throws E_GRAPH_CACHE_STALE if it does not match `expectedHash`. */
export function readCompiledCache(cacheDir: string, expectedHash: string): CompiledNetwork | null {
  const { bin, json } = cacheEntryPaths(cacheDir, expectedHash);
  if (!existsSync(bin) || !existsSync(json)) return null;
  const net = fromBuffer(new Uint8Array(readFileSync(bin)), readFileSync(json, "utf8"), expectedHash);
  const problems = checkCompiledNetwork(net);
  if (problems.length > 0) throw new CaravanError("E_GRAPH_CACHE_STALE", `cached network ${bin} fails its invariants: ${problems[0]}`);
  return net;
}

/** Write a compiled network to the cache (atomically), then drop all but the newest MAX_CACHE_ENTRIES entries. */
export function writeCompiledCache(cacheDir: string, net: CompiledNetwork): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (error) {
    throw new CaravanError("E_FILE_WRITE", `cannot create the cache folder ${cacheDir}: ${(error as Error).message}`, { cause: error });
  }
  const { bin, json } = cacheEntryPaths(cacheDir, net.sourceHash);
  writeFileAtomic(json, sidecarOf(net));
  writeFileAtomic(bin, new Uint8Array(net.buffer));
  pruneCache(cacheDir);
}

/** Remove the oldest entries beyond MAX_CACHE_ENTRIES (by modification time of the .bin). */
function pruneCache(cacheDir: string): void {
  let entries: { base: string; mtimeMs: number }[];
  try {
    entries = readdirSync(cacheDir)
      .filter((name) => /^[0-9a-f]{64}-[0-9a-f]{16}\.bin$/.test(name))
      .map((name) => ({ base: name.slice(0, -4), mtimeMs: statSync(join(cacheDir, name)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
  } catch {
    return; // another process is pruning the same folder
  }
  for (const entry of entries.slice(MAX_CACHE_ENTRIES)) {
    for (const ext of [".bin", ".json"]) {
      try {
        unlinkSync(join(cacheDir, entry.base + ext));
      } catch {
        // removed by another process
      }
    }
  }
}

/**
 * The cached compiled network of the dataset in `dir` under the running code, or null when there is none (or it is
 * stale or damaged; openNetwork then rebuilds it). Throws E_FILE_NOT_FOUND when `dir` does not exist.
 *
 * The key sees the dataset's bytes, not where it lies, so one entry serves every copy of a dataset (two clones, a
 * moved folder). The revived network therefore names `dir`, the folder it was asked for, never the folder it was
 * first compiled from, which may since have been moved or deleted.
 */
export function openCachedNetwork(dir: string, cacheDir: string = defaultCacheDir()): CompiledNetwork | null {
  const hash = datasetHash(dir);
  try {
    const net = readCompiledCache(cacheDir, hash);
    if (net) (net.network as { dir: string }).dir = dir;
    return net;
  } catch (error) {
    if (!isCaravanError(error) || error.code !== "E_GRAPH_CACHE_STALE") throw error;
    return null;
  }
}

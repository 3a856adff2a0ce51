/**
 * `openNetwork(dir)`: load + compile a dataset, with an on-disk cache of the compiled form keyed by the sha256 of
 * the source files. A cache entry is `<cacheDir>/<hash>.bin` (the buffer) and `<hash>.json` (the sidecar). A
 * missing, stale or damaged entry is rebuilt (rebuilding is always correct); writes are atomic.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../core/atomic-write";
import { CaravanError, isCaravanError } from "../core/errors";
import { fromBuffer, sidecarOf } from "./binary";
import { compileNetwork } from "./build";
import { checkCompiledNetwork } from "./check";
import type { CompiledNetwork } from "./compiled";
import { datasetFiles, hashFiles, loadNetwork } from "./load";

export interface OpenOptions {
  /** Where cache entries live; default `.cache/network` under the current directory. false = no cache. */
  readonly cacheDir?: string | false;
}

/** Default cache folder (gitignored). */
export function defaultCacheDir(): string {
  return resolve(".cache", "network");
}

/** sha256 of the dataset's source files (the cache key). */
export function datasetHash(dir: string): string {
  if (!existsSync(dir)) throw new CaravanError("E_FILE_NOT_FOUND", `dataset folder ${dir} does not exist (pass --data <dir>)`, { details: { file: dir } });
  return hashFiles(dir, datasetFiles(dir));
}

/** Read a cached compiled network; throws E_GRAPH_CACHE_STALE if it does not match `expectedHash`. */
export function readCompiledCache(cacheDir: string, expectedHash: string): CompiledNetwork | null {
  const bin = join(cacheDir, `${expectedHash}.bin`);
  const json = join(cacheDir, `${expectedHash}.json`);
  if (!existsSync(bin) || !existsSync(json)) return null;
  const net = fromBuffer(new Uint8Array(readFileSync(bin)), readFileSync(json, "utf8"), expectedHash);
  const problems = checkCompiledNetwork(net);
  if (problems.length > 0) throw new CaravanError("E_GRAPH_CACHE_STALE", `cached network ${bin} fails its invariants: ${problems[0]}`);
  return net;
}

/** Write a compiled network to the cache (atomically). */
export function writeCompiledCache(cacheDir: string, net: CompiledNetwork): void {
  mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(join(cacheDir, `${net.sourceHash}.json`), sidecarOf(net));
  writeFileAtomic(join(cacheDir, `${net.sourceHash}.bin`), new Uint8Array(net.buffer));
}

/** Load, validate and compile a dataset, reviving a cached compiled form when the sources are unchanged. */
export function openNetwork(dir: string, options: OpenOptions = {}): CompiledNetwork {
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  if (cacheDir !== false) {
    const hash = datasetHash(dir);
    try {
      const cached = readCompiledCache(cacheDir, hash);
      if (cached) return cached;
    } catch (error) {
      if (!isCaravanError(error) || error.code !== "E_GRAPH_CACHE_STALE") throw error;
      // stale or damaged: rebuild below
    }
  }
  const net = compileNetwork(loadNetwork(dir));
  if (cacheDir !== false) {
    try {
      writeCompiledCache(cacheDir, net);
    } catch (error) {
      // a read-only checkout still works, only slower
      if (!isCaravanError(error) || error.code !== "E_FILE_WRITE") throw error;
    }
  }
  return net;
}

/**
 * `openNetwork(dir)`: load + compile a dataset, reviving the cached compiled form when the sources and the compiler
 * are unchanged (cache.ts: where the cache lives and what its key sees). A missing, stale or damaged entry is
 * rebuilt (rebuilding is always correct) and written back; an unwritable cache only costs time.
 */
import { isCaravanError } from "../core/errors";
import { compileNetwork } from "./build";
import { defaultCacheDir, openCachedNetwork, writeCompiledCache } from "./cache";
import type { CompiledNetwork } from "./compiled";
import { loadNetwork } from "./load";

export { cacheEntryPaths, datasetHash, defaultCacheDir, MAX_CACHE_ENTRIES, openCachedNetwork, readCompiledCache, writeCompiledCache } from "./cache";

export interface OpenOptions {
  /** Where cache entries live; default `defaultCacheDir()`. false = no cache. */
  readonly cacheDir?: string | false;
}

/** Load, validate and compile a dataset, reviving a cached compiled form when the sources are unchanged. */
export function openNetwork(dir: string, options: OpenOptions = {}): CompiledNetwork {
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  if (cacheDir !== false) {
    const cached = openCachedNetwork(dir, cacheDir); // null when missing, stale or damaged: rebuild below
    if (cached) return cached;
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

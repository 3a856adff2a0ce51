/**
 * Where the compiled-network cache lives and what its key sees: the user's cache folder (never the package or the
 * current folder), the dataset and the compiler's code, and a bounded number of entries.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMPILER_SOURCE_DIRS, compilerCacheKey, compilerCodeHash, hashSourceDirs } from "../../src/network/code-hash";
import { cacheEntryPaths, defaultCacheDir, MAX_CACHE_ENTRIES, openNetwork } from "../../src/network/open";
import { copyTestbot } from "./helpers";

describe("defaultCacheDir", () => {
  it("is $CARAVAN_CACHE_DIR/network when set, before XDG_CACHE_HOME", () => {
    expect(defaultCacheDir({ CARAVAN_CACHE_DIR: "/tmp/cc", XDG_CACHE_HOME: "/tmp/xdg" })).toBe("/tmp/cc/network");
  });
  it("is $XDG_CACHE_HOME/caravan/network without CARAVAN_CACHE_DIR", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/tmp/xdg" })).toBe("/tmp/xdg/caravan/network");
  });
  it("is ~/.cache/caravan/network otherwise, whatever the current folder", () => {
    expect(defaultCacheDir({})).toBe(join(homedir(), ".cache", "caravan", "network"));
  });
});

describe("compiler code hash", () => {
  it("hashes the compiler's source folders and changes when one of their files changes", () => {
    const root = mkdtempSync(join(tmpdir(), "caravan-codehash-"));
    for (const dir of COMPILER_SOURCE_DIRS) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, "src/network/build.ts"), "export const rate = 1;\n");
    writeFileSync(join(root, "src/graph/csr.ts"), "export const x = 1;\n");
    const before = hashSourceDirs(root, COMPILER_SOURCE_DIRS);
    writeFileSync(join(root, "src/network/build.ts"), "export const rate = 2;\n");
    const after = hashSourceDirs(root, COMPILER_SOURCE_DIRS);
    expect(after).not.toBe(before);
    writeFileSync(join(root, "src/network/notes.md"), "not code\n");
    expect(hashSourceDirs(root, COMPILER_SOURCE_DIRS)).toBe(after);
  });

  it("is the hash of this checkout's compiler sources when running from the sources", () => {
    expect(compilerCodeHash()).toBe(hashSourceDirs(join(import.meta.dirname, "../.."), COMPILER_SOURCE_DIRS));
  });
});

describe("openNetwork cache entries", () => {
  it("name the dataset hash and the code key, so an entry of other code is never revived", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "caravan-cache-"));
    const dir = copyTestbot();
    const first = openNetwork(dir, { cacheDir });
    const { bin, json } = cacheEntryPaths(cacheDir, first.sourceHash);
    expect(bin).toBe(join(cacheDir, `${first.sourceHash}-${compilerCacheKey()}.bin`));
    expect(readdirSync(cacheDir).sort()).toEqual([`${first.sourceHash}-${compilerCacheKey()}.bin`, `${first.sourceHash}-${compilerCacheKey()}.json`]);
    // an entry under another code key (another version or compiler) sits beside it and is ignored
    const foreign = join(cacheDir, `${first.sourceHash}-0000000000000000`);
    copyFileSync(bin, `${foreign}.bin`);
    copyFileSync(json, `${foreign}.json`);
    writeFileSync(bin, "garbage");
    expect(openNetwork(dir, { cacheDir }).graph.arcCount).toBe(first.graph.arcCount);
  });

  it("revive a dataset under the folder it was asked for, not the folder it was first compiled from (since deleted)", () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "caravan-cache-"));
    const first = copyTestbot();
    expect(openNetwork(first, { cacheDir }).network.dir).toBe(first);
    const second = copyTestbot();
    rmSync(first, { recursive: true, force: true });
    const revived = openNetwork(second, { cacheDir });
    expect(readdirSync(cacheDir)).toHaveLength(2); // the same entry: revived, not rebuilt
    expect(revived.network.dir).toBe(second);
  });

  it(`keeps only the newest ${MAX_CACHE_ENTRIES} entries`, () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "caravan-cache-"));
    const dir = copyTestbot();
    const first = openNetwork(dir, { cacheDir });
    const { bin, json } = cacheEntryPaths(cacheDir, first.sourceHash);
    const old = new Date(Date.now() - 3600_000);
    for (let i = 0; i < MAX_CACHE_ENTRIES + 3; i++) {
      const base = join(cacheDir, `${String(i).padStart(64, "a")}-${compilerCacheKey()}`);
      copyFileSync(bin, `${base}.bin`);
      copyFileSync(json, `${base}.json`);
      utimesSync(`${base}.bin`, old, old);
    }
    writeFileSync(bin, "garbage"); // forces a rebuild and a write, which prunes
    openNetwork(dir, { cacheDir });
    const names = readdirSync(cacheDir);
    expect(names.filter((n) => n.endsWith(".bin"))).toHaveLength(MAX_CACHE_ENTRIES);
    expect(names.filter((n) => n.endsWith(".json"))).toHaveLength(MAX_CACHE_ENTRIES);
    expect(names).toContain(`${first.sourceHash}-${compilerCacheKey()}.bin`);
  });

  it("still opens the network when the cache folder cannot be created", () => {
    const blocker = join(mkdtempSync(join(tmpdir(), "caravan-cache-")), "file");
    writeFileSync(blocker, "a file where the cache folder would be");
    expect(openNetwork(copyTestbot(), { cacheDir: join(blocker, "network") }).graph.arcCount).toBeGreaterThan(0);
  });
});

/**
 * Content hashes of run inputs: canonical JSON (sorted keys) hashed with SHA-256, files hashed by content, and the
 * code version (package version + git commit) read from the repository files without spawning git.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { CaravanError } from "../core/errors";

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

export function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

/** `{path, sha256, bytes}` of an input file; E_FILE_NOT_FOUND when it cannot be read. */
export function fileInput(path: string): { path: string; sha256: string; bytes: number } {
  try {
    const data = readFileSync(path);
    return { path: resolve(path), sha256: sha256(data), bytes: data.length };
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, { details: { file: path } });
  }
}

/** `{path, files: [{name, sha256, bytes}]}` of an input folder (its files, not subfolders, by name). */
export function dirInput(path: string): { path: string; files: { name: string; sha256: string; bytes: number }[] } {
  let names: string[];
  try {
    names = readdirSync(path).filter((n) => statSync(join(path, n)).isFile()).sort();
  } catch (error) {
    throw new CaravanError("E_FILE_NOT_FOUND", `cannot read the folder ${path}: ${(error as Error).message}`, { details: { file: path } });
  }
  return {
    path: resolve(path),
    files: names.map((name) => {
      const f = fileInput(join(path, name));
      return { name, sha256: f.sha256, bytes: f.bytes };
    }),
  };
}

/**
 * sha256 of every file under a folder, subfolders included (canonical list of relative path, sha256 and size, sorted
 * by path): the content identity of a dataset folder, whatever file of it a job reads. E_FILE_NOT_FOUND when the
 * folder cannot be read.
 */
export function treeHash(path: string): string {
  const files: { name: string; sha256: string; bytes: number }[] = [];
  const walk = (dir: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      throw new CaravanError("E_FILE_NOT_FOUND", `cannot read the folder ${dir}: ${(error as Error).message}`, { details: { file: dir } });
    }
    for (const name of names) {
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full, `${prefix}${name}/`);
      else if (st.isFile()) {
        const f = fileInput(full);
        files.push({ name: `${prefix}${name}`, sha256: f.sha256, bytes: f.bytes });
      }
    }
  };
  walk(path, "");
  return sha256(canonicalJson(files));
}

/**
 * The files a scenario file reads besides itself (docs/scenarios.md): the files of its `extends` chain, nearest
 * first, then the demand CSV of the merged chain (named by the nearest file of the chain that gives `demand.file`),
 * each path relative to the file naming it, as src/scenarios/load.ts resolves them. [] for a file that is not a
 * scenario file (not .yaml/.yml, not YAML, not a mapping, or naming neither). A chain file that cannot be read or
 * parsed is listed and ends the chain; a cycle ends where it repeats (loading the scenario reports both).
 */
export function scenarioReads(path: string): string[] {
  const reads: string[] = [];
  let demand: string | null = null;
  const seen = new Set<string>();
  let current: string | null = resolve(path);
  while (current !== null && /\.ya?ml$/i.test(current) && !seen.has(current)) {
    seen.add(current);
    if (current !== resolve(path)) reads.push(current);
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(current, "utf8"));
    } catch {
      break;
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) break;
    const { extends: parent, demand: d } = doc as { extends?: unknown; demand?: unknown };
    const file = d !== null && typeof d === "object" ? (d as { file?: unknown }).file : undefined;
    if (demand === null && typeof file === "string" && file.length > 0) demand = resolve(dirname(current), file);
    current = typeof parent === "string" && parent.length > 0 ? resolve(dirname(current), parent) : null;
  }
  if (demand !== null) reads.push(demand);
  return reads;
}

/** `{path, sha256, bytes}` of a file another input reads; sha256 and bytes null when it cannot be read. */
function readInput(path: string): { path: string; sha256: string | null; bytes: number | null } {
  try {
    const data = readFileSync(path);
    return { path: resolve(path), sha256: sha256(data), bytes: data.length };
  } catch {
    return { path: resolve(path), sha256: null, bytes: null };
  }
}

/**
 * fileInput of an input file plus, for a scenario file, every further file it reads (its `extends` chain and its
 * demand file, scenarioReads) by content under `reads`: editing a base scenario or the demand changes the record,
 * so a run is recomputed rather than replayed. Other files give exactly fileInput.
 */
export function fileInputWithReads(path: string): { path: string; sha256: string; bytes: number; reads?: { path: string; sha256: string | null; bytes: number | null }[] } {
  const input = fileInput(path);
  const reads = scenarioReads(path);
  return reads.length === 0 ? input : { ...input, reads: reads.map(readInput) };
}

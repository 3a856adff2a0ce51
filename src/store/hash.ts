/**
 * Content hashes of run inputs: canonical JSON (sorted keys) hashed with SHA-256, files hashed by content, and the
 * code version (package version + git commit) read from the repository files without spawning git.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
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


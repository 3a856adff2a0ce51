/** Shared by the calibration tests: the CaravanError a call throws, and a temporary folder to write input files to. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll } from "vitest";
import { CaravanError } from "../../src/core/errors";

/** The repository root and its two datasets the calibration tests read. */
export const ROOT = resolve(__dirname, "../..");
export const TESTBOT_DIR = join(ROOT, "test/fixtures/testbot");
export const EURASIA_DIR = join(ROOT, "data/eurasia");

/**
 * A temporary folder for one test file (removed after its tests) and a writer into it: write(name, text) → the path.
 * Call at the top level of a test file.
 */
export function tempFiles(prefix: string): { dir: string; write: (name: string, text: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), `caravan-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** The CaravanError a call throws (any other error, or none, fails the test). */

export function thrown(f: () => unknown): CaravanError {
  try {
    f();
  } catch (error) {
    if (error instanceof CaravanError) return error;
    throw error;
  }
  throw new Error("expected a CaravanError");
}

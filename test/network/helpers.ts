import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The hand-checkable fixture dataset (drawn in test/fixtures/testbot/README.md). */
export const TESTBOT = resolve(__dirname, "../fixtures/testbot");

/** A fresh copy of the testbot dataset in a temporary folder, for tests that edit it. */
export function copyTestbot(): string {
  const dir = mkdtempSync(join(tmpdir(), "caravan-testbot-"));
  cpSync(TESTBOT, dir, { recursive: true });
  return dir;
}

/** Replace `from` by `to` in a file of a dataset copy; fails loudly if `from` is absent. */
export function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from)) throw new Error(`edit: ${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

/** Append lines to a file of a dataset copy. */
export function append(dir: string, file: string, text: string): void {
  const path = join(dir, file);
  writeFileSync(path, readFileSync(path, "utf8") + text);
}

import { randomBytes } from "node:crypto";
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CaravanError } from "./errors";

/**
 * Write a file atomically: the data goes to a temporary file in the same directory, which is then renamed over the
 * target. A failure leaves the previous file untouched and raises E_FILE_WRITE.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may not exist
    }
    throw new CaravanError("E_FILE_WRITE", `cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

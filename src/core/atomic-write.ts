/**
 * Atomic file output. A regular file (or a new one) is written to a temporary file beside it, which is then renamed
 * over the target: readers see the old file or the new one, never a half-written one, and a failure leaves the old
 * file untouched (E_FILE_WRITE). A target that is not a regular file is never replaced: a character device or FIFO
 * (`/dev/stdout`, `/dev/full`, a named pipe) is written directly, with write errors such as ENOSPC reported as
 * E_FILE_WRITE; a directory is refused; a symbolic link stays a link, the file it points to is replaced atomically.
 *
 * Temporary files are named `.<target>.caravan-tmp-<pid>-<random>` and registered while they exist, so a signal
 * handler can remove them with `cleanupTempFiles()` before the process exits.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { CaravanError } from "./errors";
import { holdTerminationSignals } from "./signals";

/** The marker in every temporary file name (`.<target>.caravan-tmp-<pid>-<random>`). */
export const TEMP_MARKER = ".caravan-tmp-";

const liveTempFiles = new Set<string>();

/** Remove every temporary file of an atomic write still in progress (for signal handlers). Returns the paths removed. */
export function cleanupTempFiles(): string[] {
  const removed: string[] = [];
  for (const tmp of liveTempFiles) {
    try {
      unlinkSync(tmp);
      removed.push(tmp);
    } catch {
      // already gone
    }
  }
  liveTempFiles.clear();
  return removed;
}

/** Temporary files of atomic writes in progress (for tests and signal handlers). */
export function pendingTempFiles(): readonly string[] {
  return [...liveTempFiles];
}

function writeError(path: string, error: unknown): CaravanError {
  const e = error as NodeJS.ErrnoException;
  return new CaravanError("E_FILE_WRITE", `cannot write ${path}: ${e.code ? `${e.code} ` : ""}${(e.message ?? String(error)).replace(/^\w+: /, "")}`, {
    details: { file: path, errno: e.code },
    cause: error,
  });
}

/**
 * Write a file atomically (see the module comment). Throws E_FILE_WRITE when the target is a directory or cannot be
 * written; the previous content of a regular file is then untouched.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  // a symbolic link stays a link: the file it points to is replaced (or created, for a dangling link)
  let path = target;
  try {
    if (lstatSync(target).isSymbolicLink()) {
      try {
        path = realpathSync(target);
      } catch {
        path = resolve(dirname(target), readlinkSync(target));
      }
    }
  } catch {
    path = target;
  }
  let kind: "none" | "file" | "dir" | "special" = "none";
  try {
    const st = statSync(path);
    kind = st.isFile() ? "file" : st.isDirectory() ? "dir" : "special";
  } catch {
    kind = "none";
  }
  if (kind === "dir") throw new CaravanError("E_FILE_WRITE", `cannot write ${path}: it is a directory; give a file name`, { details: { file: path } });
  if (kind === "special") {
    // a device or FIFO: renaming over it would replace it by a regular file, so write through it
    try {
      writeFileSync(path, data);
    } catch (error) {
      throw writeError(path, error);
    }
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}${TEMP_MARKER}${process.pid}-${randomBytes(6).toString("hex")}`);
  // a signal during the write is held until the temporary file is renamed or removed (src/core/signals.ts)
  const release = holdTerminationSignals(cleanupTempFiles);
  liveTempFiles.add(tmp);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may not exist
    }
    throw writeError(path, error);
  } finally {
    liveTempFiles.delete(tmp);
    release();
  }
}

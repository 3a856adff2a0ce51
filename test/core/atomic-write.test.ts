import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/core/atomic-write";

describe("writeFileAtomic", () => {
  it("replaces the file and leaves no temporary file behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "caravan-"));
    const path = join(dir, "out.csv");
    writeFileSync(path, "old");
    writeFileAtomic(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["out.csv"]);
  });

  it("fails with E_FILE_WRITE and keeps nothing when the directory does not exist", () => {
    expect(() => writeFileAtomic("/nonexistent-dir-caravan/x.csv", "data")).toThrowError(expect.objectContaining({ code: "E_FILE_WRITE" }));
  });
});

/**
 * The stamp of the sources that keys stored results (store inputs hash, sweep job ids): computed from the files when
 * running from the sources, baked into dist/cli by the build, and the same in both; any edit under src/ changes it,
 * committed or not.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeIdentity, codeVersion, packageInfo, sourceStamp, sourceStampOf } from "../../src/core/package";

describe("sourceStamp", () => {
  it("changes with any file under src/ and with package.json, not with other files", () => {
    const root = mkdtempSync(join(tmpdir(), "caravan-stamp-"));
    mkdirSync(join(root, "src", "store"), { recursive: true });
    mkdirSync(join(root, "scripts"));
    writeFileSync(join(root, "package.json"), '{"name":"caravan","version":"1.0.0"}\n');
    writeFileSync(join(root, "scripts", "build-cli.mjs"), "// build\n");
    writeFileSync(join(root, "src", "store", "store.ts"), "export const a = 1;\n");
    const first = sourceStampOf(root);
    writeFileSync(join(root, "README.md"), "docs\n");
    expect(sourceStampOf(root)).toBe(first);
    writeFileSync(join(root, "src", "store", "store.ts"), "export const a = 2;\n");
    const edited = sourceStampOf(root);
    expect(edited).not.toBe(first);
    writeFileSync(join(root, "src", "store", "notes.json"), "{}\n");
    const withJson = sourceStampOf(root);
    expect(withJson).not.toBe(edited);
    writeFileSync(join(root, "package.json"), '{"name":"caravan","version":"1.0.1"}\n');
    expect(sourceStampOf(root)).not.toBe(withJson);
  });

  it("is the stamp the build computes and records (scripts/build-cli.mjs sourceStamp)", async () => {
    // @ts-expect-error: the build script is plain JavaScript without type declarations
    const build = (await import("../../scripts/build-cli.mjs")) as { sourceStamp: () => string };
    expect(sourceStamp()).toBe(build.sourceStamp());
    expect(sourceStampOf(packageInfo().root)).toBe(sourceStamp());
  });

  it("is part of the code identity that keys stored results", () => {
    expect(codeIdentity()).toBe(`${codeVersion()}#${sourceStamp().slice(0, 16)}`);
  });
});

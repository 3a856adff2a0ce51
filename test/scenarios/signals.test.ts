/**
 * A scenario run stopped by SIGTERM while it writes its folder leaves nothing: no folder under the target name and no
 * temporary folder beside it (the write holds the signal, removes its temporary folder and exits with 143).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "caravan-scenario-signals-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("a scenario run stopped while writing its folder", () => {
  it("exits 143 on SIGTERM and leaves neither the folder nor a temporary folder", async () => {
    const out = join(tmp, "run");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(root, "src/cli/main.ts"), "--data", join(root, "data/eurasia"), "scenario", "run", join(root, "docs/examples/scenarios/kazakh-border-reform-2030.yaml"), "--no-store", "--out", out],
      { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once("exit", (code, signal) => res({ code, signal })));
    // wait until the folder is being written (its temporary sibling exists), then stop the run
    let sawTemp = false;
    const deadline = Date.now() + 170_000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (readdirSync(tmp).some((f) => f.startsWith(".run.caravan-tmp-"))) {
        sawTemp = true;
        child.kill("SIGTERM");
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const { code, signal } = await exited;
    expect(stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
    expect(sawTemp).toBe(true);
    expect(code === 143 || signal === "SIGTERM").toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  }, 180_000);
});

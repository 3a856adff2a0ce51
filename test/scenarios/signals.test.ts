/**
 * A scenario run stopped by SIGTERM while it writes its folder leaves nothing: no folder under the target name and no
 * temporary folder beside it (the write holds the signal, removes its temporary folder and exits with 143) — when the
 * signal comes as the write starts, and when it comes in the middle of it (tables already written, the Parquet writer
 * loaded, so nothing in the write waits on I/O by itself). It runs the built CLI (bin/caravan.js → dist/cli, `npm run
 * build:cli`), as a user does.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "caravan-scenario-signals-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run the worked example into `<folder>/run`, send SIGTERM once `ready(temporary folder)` holds, and report. */
async function stopWhile(folder: string, ready: (temp: string) => boolean) {
  mkdirSync(folder);
  const out = join(folder, "run");
  const child = spawn(
    process.execPath,
    [join(root, "bin/caravan.js"), "--data", join(root, "data/eurasia"), "scenario", "run", join(root, "docs/examples/scenarios/kazakh-border-reform-2030.yaml"), "--no-store", "--out", out],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once("exit", (code, signal) => res({ code, signal })));
  let sawTemp = false;
  const deadline = Date.now() + 170_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const temp = readdirSync(folder).find((f) => f.startsWith(".run.caravan-tmp-"));
    if (temp !== undefined && ready(join(folder, temp))) {
      sawTemp = true;
      child.kill("SIGTERM");
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const { code, signal } = await exited;
  return { stderr, sawTemp, code, signal, out, left: readdirSync(folder) };
}

describe("a scenario run stopped while writing its folder", () => {
  it("exits 143 on SIGTERM as the write starts and leaves neither the folder nor a temporary folder", async () => {
    const r = await stopWhile(join(tmp, "start"), () => true);
    expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
    expect(r.sawTemp).toBe(true);
    expect(r.code === 143 || r.signal === "SIGTERM").toBe(true);
    expect(existsSync(r.out)).toBe(false);
    expect(r.left).toEqual([]);
  }, 180_000);

  it("exits 143 on SIGTERM in the middle of the write (the baseline's tables written) and leaves nothing", async () => {
    const r = await stopWhile(join(tmp, "middle"), (temp) => existsSync(join(temp, "baseline", "crossings.parquet")));
    expect(r.stderr).not.toMatch(/internal error|at .*\.ts:\d+/);
    expect(r.sawTemp).toBe(true);
    expect(r.code === 143 || r.signal === "SIGTERM").toBe(true);
    expect(existsSync(r.out)).toBe(false);
    expect(r.left).toEqual([]);
  }, 180_000);
});

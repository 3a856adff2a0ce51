/**
 * Class 10: a reader that closes standard output early (`caravan matrix --all-cities | head -1`) ends the program
 * quietly with exit 0 — no unhandled EPIPE stack. Runs the CLI as a child process whose stdout is closed at once.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TESTBOT } from "./helpers";

const ROOT = resolve(__dirname, "../..");

function runWithClosedStdout(args: readonly string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // the reader is gone before the first byte is written
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error("the CLI did not end within 60 s with its stdout closed"));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      done({ code, err });
    });
  });
}

describe("class 10: standard output closed by the reader", () => {
  it("matrix --all-cities ends with exit 0 and nothing on stderr", async () => {
    const r = await runWithClosedStdout(["--data", TESTBOT, "matrix", "--all-cities"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });
});

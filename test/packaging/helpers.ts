/**
 * Helpers of the packaging tests: the repository root, building dist/cli once per test file, running a command and
 * reading its exit status the way a POSIX shell reports it (128 + signal number for a process ended by a signal).
 */
import { type SpawnOptions, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = join(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin", "caravan.js");
export const SHARED = join(ROOT, "..", "shared");
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;

/**
 * Make dist/cli current: build it unless build-info.json says it was built from the sources as they are now (so the
 * tests never run a stale build, and test files starting together rarely build twice); throws with the output.
 */
export async function buildCli(): Promise<void> {
  const script = (await import(pathToFileURL(join(ROOT, "scripts", "build-cli.mjs")).href)) as { isBuildCurrent: () => boolean };
  if (script.isBuildCurrent()) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build-cli.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0 || !existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error(`build failed (${r.status}): ${r.stdout}${r.stderr}`);
}

export interface Ran {
  /** Exit status as a shell reports it: the exit code, or 128 + the signal number. */
  readonly status: number;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The status a POSIX shell shows in $? for a child that exited with `code` or was ended by `signal`. */
export function shellStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? constants.signals[signal] : 0);
}

/** Run a command to completion (no shell). */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Ran {
  const r = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: "utf8", timeout: options.timeoutMs ?? 120_000 });
  if (r.error) throw r.error;
  return { status: shellStatus(r.status, r.signal), signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Start a command, send `signal` once `ready(stderr + stdout so far, elapsed ms, pid)` holds (polled every 50 ms), and
 * resolve with how it ended. Rejects if it ends before being signalled or outlives `timeoutMs` after the signal.
 */
export function runAndSignal(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { cwd: string },
  signal: NodeJS.Signals,
  ready: (output: string, elapsedMs: number, pid: number) => boolean,
  timeoutMs = 30_000,
): Promise<Ran & { signalledAfterMs: number; endedAfterSignalMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (b) => (stdout += b));
    child.stderr?.on("data", (b) => (stderr += b));
    const started = performance.now();
    let signalledAt = 0;
    const poll = setInterval(() => {
      if (signalledAt === 0 && ready(stderr + stdout, performance.now() - started, child.pid ?? 0)) {
        signalledAt = performance.now();
        child.kill(signal);
      } else if (signalledAt > 0 && performance.now() - signalledAt > timeoutMs) {
        child.kill("SIGKILL");
      }
    }, 50);
    child.on("exit", (code, sig) => {
      clearInterval(poll);
      if (signalledAt === 0) {
        reject(new Error(`ended before the signal (status ${shellStatus(code, sig)}): ${stderr}`));
        return;
      }
      resolvePromise({
        status: shellStatus(code, sig),
        signal: sig,
        stdout,
        stderr,
        signalledAfterMs: signalledAt - started,
        endedAfterSignalMs: performance.now() - signalledAt,
      });
    });
  });
}

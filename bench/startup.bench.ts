/**
 * Start-up time of the built CLI as a user sees it: whole-process wall time (spawn to exit) of `node -e 0` (Node
 * itself, the floor), `caravan --help`, `caravan --version` and a route query (`caravan route "Xi'an" Duisburg`,
 * compiled-network cache warm), median and min of N runs each, side by side with the ratio to Node itself and the
 * time Caravan adds. The target is `caravan --help` ≤ 100 ms whole process. Builds dist/cli first (npm run
 * build:cli). `npm run bench -- startup`; STARTUP_RUNS=N changes the number of runs (default 21).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const bin = join(root, "bin", "caravan.js");
const runs = Number(process.env.STARTUP_RUNS ?? 21);
const cwd = mkdtempSync(join(tmpdir(), "caravan-startup-"));
const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(cwd, "cache") };
delete env.CARAVAN_CACHE_DIR;

const build = spawnSync(process.execPath, [join(root, "scripts", "build-cli.mjs")], { cwd: root, encoding: "utf8" });
if (build.status !== 0) {
  console.error(`build failed: ${build.stderr}`);
  process.exit(1);
}

/** Wall-clock milliseconds of one whole process, spawn to exit. */
function once(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const cases: { label: string; args: string[] }[] = [
  { label: "node -e 0 (Node itself)", args: ["-e", "0"] },
  { label: "caravan --help", args: [bin, "--help"] },
  { label: "caravan --version", args: [bin, "--version"] },
  { label: "caravan route Xi'an Duisburg", args: [bin, "route", "Xi'an", "Duisburg"] },
];

once(cases[3].args); // warm the compiled-network cache and the file system cache
const samples = cases.map(() => [] as number[]);
// interleaved rounds, so a burst of load on the machine touches every case alike
for (let i = 0; i < runs; i++) for (let c = 0; c < cases.length; c++) samples[c].push(once(cases[c].args));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const nodeMedian = median(samples[0]);
console.log(`whole-process wall time, ${runs} interleaved runs each (Node ${process.version}, this machine)`);
console.log(`${"command".padEnd(32)}${"median ms".padStart(10)}${"min ms".padStart(9)}${"× node".padStart(9)}${"+ ms".padStart(8)}`);
for (let c = 0; c < cases.length; c++) {
  const m = median(samples[c]);
  const extra = c === 0 ? "" : (m - nodeMedian).toFixed(1);
  console.log(`${cases[c].label.padEnd(32)}${m.toFixed(1).padStart(10)}${Math.min(...samples[c]).toFixed(1).padStart(9)}${(m / nodeMedian).toFixed(2).padStart(9)}${extra.padStart(8)}`);
}
const help = median(samples[1]);
console.log(`caravan --help: ${help.toFixed(1)} ms median (target ≤ 100 ms whole process): ${help <= 100 ? "met" : "NOT met"} on this machine`);

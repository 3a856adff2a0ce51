/**
 * Start-up time of the built CLI as a user sees it: whole-process wall time (spawn to exit) of `node -e 0` (Node
 * itself, the floor), `caravan --help`, `caravan --version`, a route query (`caravan route "Xi'an" Duisburg`,
 * compiled-network cache warm) and an assignment on the 4-node Braess example of ../shared/tntp (`caravan assign
 * --no-store --tntp …/Braess-Example`: almost all start-up; skipped with a message where absent), median and min of
 * N runs each, side by side with the ratio to Node itself and the time Caravan adds. The target is `caravan --help` ≤ 100 ms whole process. Builds dist/cli first (npm run
 * build:cli). `npm run bench -- startup`; STARTUP_RUNS=N changes the number of runs (default 21).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
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

/**
 * CPU milliseconds (user + system, all threads) of one whole process, read with the shell's `times` builtin after it
 * ran: unlike wall time it hardly moves when other processes load the machine.
 */
function cpuOnce(args: readonly string[]): number {
  const r = spawnSync("bash", ["-c", '"$@" >/dev/null 2>&1; times', "bash", process.execPath, ...args], { cwd, env, encoding: "utf8" });
  const children = r.stdout.trim().split("\n")[1] ?? "";
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60_000 + Number(m[2]) * 1000);
  if (parts.length !== 2) throw new Error(`cannot read CPU times from "${r.stdout}"`);
  return parts[0] + parts[1];
}

const cases: { label: string; args: string[] }[] = [
  { label: "node -e 0 (Node itself)", args: ["-e", "0"] },
  { label: "caravan --help", args: [bin, "--help"] },
  { label: "caravan --version", args: [bin, "--version"] },
  { label: "caravan route Xi'an Duisburg", args: [bin, "route", "Xi'an", "Duisburg"] },
];
const braess = join(root, "..", "shared", "tntp", "Braess-Example");
if (existsSync(braess)) cases.push({ label: "caravan assign --tntp Braess", args: [bin, "assign", "--no-store", "--tntp", braess, "--json"] });
else console.log(`skipping caravan assign --tntp Braess: ${braess} is absent`);

once(cases[3].args); // warm the compiled-network cache and the file system cache
const samples = cases.map(() => [] as number[]);
const cpu = cases.map(() => [] as number[]);
// interleaved rounds, so a burst of load on the machine touches every case alike
for (let i = 0; i < runs; i++) {
  for (let c = 0; c < cases.length; c++) {
    samples[c].push(once(cases[c].args));
    cpu[c].push(cpuOnce(cases[c].args));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const nodeMedian = median(samples[0]);
const nodeCpu = median(cpu[0]);
console.log(`whole process, ${runs} interleaved runs each (Node ${process.version}, this machine; load average ${loadavg()[0].toFixed(1)})`);
console.log(
  `${"command".padEnd(30)}${"wall median".padStart(12)}${"wall min".padStart(10)}${"× node".padStart(8)}${"+ ms".padStart(8)}${"CPU median".padStart(12)}${"+ CPU ms".padStart(10)}`,
);
for (let c = 0; c < cases.length; c++) {
  const m = median(samples[c]);
  const cm = median(cpu[c]);
  console.log(
    `${cases[c].label.padEnd(30)}${m.toFixed(1).padStart(12)}${Math.min(...samples[c]).toFixed(1).padStart(10)}${(m / nodeMedian).toFixed(2).padStart(8)}` +
      `${(c === 0 ? "" : (m - nodeMedian).toFixed(1)).padStart(8)}${cm.toFixed(0).padStart(12)}${(c === 0 ? "" : (cm - nodeCpu).toFixed(0)).padStart(10)}`,
  );
}
const help = median(samples[1]);
const helpMin = Math.min(...samples[1]);
console.log(
  `caravan --help: ${help.toFixed(1)} ms median, ${helpMin.toFixed(1)} ms min wall (target ≤ 100 ms whole process): ${help <= 100 ? "met" : "not met"} at the median on this machine`,
);

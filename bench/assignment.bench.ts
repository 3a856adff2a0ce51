/**
 * Assignment benchmark.
 *
 * 1. Side by side with the C reference tap-b (Algorithm B, spartalab/tap-b, built with `make serial`), whole
 *    processes on the same TNTP files: ChicagoSketch to relative gaps 1e-6 and 1e-8, Berlin-Center (12,981 nodes)
 *    to 1e-6. Each process reads the files, solves and writes its link flows to a temporary folder; Caravan runs as
 *    a user runs it (`bin/caravan.js assign --no-store --tntp DIR --algorithm b --gap G --flows-out F`, the built
 *    program in dist/cli, which this benchmark builds first). Wall time, CPU time (user + system) and peak resident
 *    memory of each whole process are read with GNU time (/usr/bin/time); the best of REPEATS runs each (runs of the
 *    two programs interleaved, so load on a shared machine touches both alike), with Caravan / tap-b ratios, and
 *    where Caravan's time goes (solve, reading the files, and the rest: Node start-up, loading the program, output).
 *    Both
 *    relative gaps are (TSTT − SPTT) / SPTT; the final gap and Beckmann objective of each are printed as a check
 *    that both solved the same problem. tap-b is found through CARAVAN_TAPB (path of its `tap` program) or at
 *    ../ref/tap-b/bin/tap beside the repository; without it this part is skipped with a message.
 * 2. In-process detail on ChicagoSketch (TNTP generalized cost 0.02·toll + 0.04·length, as for the best-known
 *    solution), original and doubled demand: Algorithm B to 1e-4, 1e-6, 1e-8 (best of REPEATS runs, file reading
 *    included), all-or-nothing and bi-conjugate Frank–Wolfe to 1e-4 for comparison, with ratios between them.
 *
 * Needs ../shared/tntp (ChicagoSketch, Berlin-Center); skips a network that is absent, with a message.
 * `npm run bench -- assignment`; ASSIGN_BENCH_REPEATS=N changes the number of whole-process runs of each program on
 * ChicagoSketch (default 5: runs of well under a second, whose best is what a shared machine lets through),
 * ASSIGN_BENCH_LARGE_REPEATS=N those on Berlin-Center (default 1).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { solveAlgorithmB } from "../src/assignment/algorithm-b";
import { tntpProblem } from "../src/assignment/problem";
import { solve } from "../src/assignment/solve";
import { findTntpFiles, loadTntpDir } from "../src/assignment/tntp";
import { seconds } from "./lib";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const tntpRoot = resolve(root, "../shared/tntp");
const GNU_TIME = "/usr/bin/time";

// --- 1. whole processes beside tap-b ----------------------------------------------------------------------------

/** One whole-process run: wall, CPU (user + system) seconds, peak resident memory in MiB, and what it printed. */
interface ProcessRun {
  wallS: number;
  cpuS: number;
  peakMiB: number;
  stdout: string;
}

/** Run `args` under GNU time in `cwd`; throws with the program's message when it fails. */
function timed(args: readonly string[], cwd: string): ProcessRun {
  const r = spawnSync(GNU_TIME, ["-f", "@@time %e %U %S %M", ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  const line = (r.stderr ?? "").split("\n").find((l) => l.startsWith("@@time "));
  if (r.status !== 0 || line === undefined) throw new Error(`${args.join(" ")} failed (status ${r.status}): ${(r.stderr ?? "").slice(-2000)}`);
  const [wallS, userS, sysS, maxKb] = line.slice(7).trim().split(/\s+/).map(Number);
  return { wallS, cpuS: userS + sysS, peakMiB: maxKb / 1024, stdout: r.stdout };
}

/** The fastest of several runs by wall time; CPU time and peak memory are the smallest seen (they vary less). */
function best(runs: readonly ProcessRun[]): ProcessRun {
  const fastest = runs.reduce((a, b) => (b.wallS < a.wallS ? b : a));
  return { ...fastest, cpuS: Math.min(...runs.map((r) => r.cpuS)), peakMiB: Math.min(...runs.map((r) => r.peakMiB)) };
}

/** tap-b's last "Iteration N: gap G, obj B, …" line. */
function tapbResult(stdout: string): { iterations: number; gap: number; beckmann: number } {
  const lines = stdout.split("\n").filter((l) => /^Iteration \d+:/.test(l));
  const m = /^Iteration (\d+):.*?gap ([\d.eE+-]+), obj ([\d.eE+-]+)/.exec(lines[lines.length - 1] ?? "");
  if (!m) throw new Error(`cannot read tap-b's iterations from its output: ${stdout.slice(-500)}`);
  return { iterations: Number(m[1]), gap: Number(m[2]), beckmann: Number(m[3]) };
}

function sideBySide(tapb: string): void {
  if (!existsSync(GNU_TIME)) {
    console.log(`skipping the comparison with tap-b: ${GNU_TIME} (GNU time, which measures peak memory) is absent`);
    return;
  }
  const build = spawnSync(process.execPath, [join(root, "scripts", "build-cli.mjs")], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`building dist/cli failed: ${build.stderr}`);
  const bin = join(root, "bin", "caravan.js");
  const cases = [
    { network: "ChicagoSketch", gap: 1e-6, repeats: Number(process.env.ASSIGN_BENCH_REPEATS ?? 5) },
    { network: "ChicagoSketch", gap: 1e-8, repeats: Number(process.env.ASSIGN_BENCH_REPEATS ?? 5) },
    { network: "Berlin-Center", gap: 1e-6, repeats: Number(process.env.ASSIGN_BENCH_LARGE_REPEATS ?? 1) },
  ];
  const loadAtStart = loadavg()[0];
  const work = mkdtempSync(join(tmpdir(), "caravan-assign-bench-"));
  const rows: string[] = [];
  try {
    for (const c of cases) {
      const dir = join(tntpRoot, c.network);
      if (!existsSync(dir)) {
        console.log(`skipping ${c.network}: ${dir} is absent`);
        continue;
      }
      const files = findTntpFiles(dir);
      const params = join(work, `${c.network}-${c.gap}.txt`);
      // tap-b's parameter file: the same TNTP files, its relative gap, its link flows written beside Caravan's
      writeFileSync(
        params,
        [`<FILE PATH> ${dir}/`, `<NETWORK FILE> ${files.net.slice(dir.length + 1)}`, `<TRIPS FILE> ${files.trips.slice(dir.length + 1)}`, `<FLOWS FILE> ${join(work, "tapb-flows.txt")}`, `<CONVERGENCE GAP> ${c.gap}`, ""].join("\n"),
      );
      const repeats = c.repeats;
      const tapRuns: ProcessRun[] = [];
      const carRuns: ProcessRun[] = [];
      for (let i = 0; i < repeats; i++) {
        tapRuns.push(timed([tapb, params], work));
        carRuns.push(timed([process.execPath, bin, "assign", "--no-store", "--tntp", dir, "--algorithm", "b", "--gap", String(c.gap), "--flows-out", join(work, "caravan-flows.csv"), "--json"], work));
      }
      const t = best(tapRuns);
      const k = best(carRuns);
      const tr = tapbResult(t.stdout);
      const kr = JSON.parse(k.stdout) as { iterations: number; relativeGap: number; beckmann: number; solveS: number; elapsedS: number };
      const label = `${c.network} ${c.gap.toExponential(0)}`;
      rows.push(
        `${label.padEnd(20)} tap-b   ${t.wallS.toFixed(2).padStart(6)} ${t.cpuS.toFixed(2).padStart(6)} ${t.peakMiB.toFixed(0).padStart(6)}  ${String(tr.iterations).padStart(5)}  ${tr.gap.toExponential(2)}  ${tr.beckmann.toPrecision(12)}`,
        `${"".padEnd(20)} Caravan ${k.wallS.toFixed(2).padStart(6)} ${k.cpuS.toFixed(2).padStart(6)} ${k.peakMiB.toFixed(0).padStart(6)}  ${String(kr.iterations).padStart(5)}  ${kr.relativeGap.toExponential(2)}  ${kr.beckmann.toPrecision(12)}  (solve ${kr.solveS.toFixed(2)} s, reading the files ${(kr.elapsedS - kr.solveS).toFixed(2)} s, start-up and output ${(k.wallS - kr.elapsedS).toFixed(2)} s)`,
        `${"".padEnd(20)} ratio   ${(k.wallS / t.wallS).toFixed(2).padStart(5)}× ${(k.cpuS / t.cpuS).toFixed(2).padStart(5)}× ${(k.peakMiB / t.peakMiB).toFixed(2).padStart(5)}×`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`Whole processes, Caravan beside tap-b (${tapb}), measured in this run; best of ${cases.map((c) => `${c.repeats} (${c.network} ${c.gap.toExponential(0)})`).join(", ")} runs; load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`);
  console.log("case                 program   wall s  cpu s  peak MiB  iters  final gap  Beckmann objective");
  for (const r of rows) console.log(r);
  console.log("targets: Berlin-Center peak memory ≤ 1.5× tap-b; ChicagoSketch whole process ≤ 1.0× tap-b");
}

const tapb = process.env.CARAVAN_TAPB ?? resolve(root, "../ref/tap-b/bin/tap");
if (existsSync(tapb)) sideBySide(tapb);
else console.log(`skipping the comparison with tap-b: ${tapb} is absent (build spartalab/tap-b with \`make serial\` outside the repository and set CARAVAN_TAPB to its bin/tap)`);

// --- 2. in-process detail on ChicagoSketch ------------------------------------------------------------------------

const dir = join(tntpRoot, "ChicagoSketch");
if (!existsSync(dir)) {
  console.warn(`skipping the in-process ChicagoSketch detail: ${dir} is absent`);
  process.exit(0);
}
const factors = { tollFactor: 0.02, distanceFactor: 0.04 };

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** Runs per Algorithm B case; the figures are the minimum wall and the minimum CPU time over them. */
const REPEATS = 3;

interface Row {
  label: string;
  wallS: number;
  cpuS?: number;
  iterations: number;
  gap: number;
  beckmann: number;
  heapMiB: string;
}
const rows: Row[] = [];

function runB(scale: number, gap: number, repeats: number): Row {
  let wallS = Number.POSITIVE_INFINITY;
  let cpuS = Number.POSITIVE_INFINITY;
  let r: ReturnType<typeof solveAlgorithmB> | undefined;
  for (let i = 0; i < repeats; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const problem = tntpProblem(loadTntpDir(dir), { ...factors, demandScale: scale });
    r = solveAlgorithmB(problem, { gap, maxIterations: 500 });
    wallS = Math.min(wallS, seconds(start));
    const cpu = process.cpuUsage(cpu0);
    cpuS = Math.min(cpuS, (cpu.user + cpu.system) / 1e6);
  }
  if (!r) throw new Error("no run");
  return {
    label: `Algorithm B, demand ${scale}x, gap ${gap.toExponential(0)}`,
    wallS,
    cpuS,
    iterations: r.iterations,
    gap: r.relativeGap,
    beckmann: r.beckmann,
    heapMiB: mib(process.memoryUsage().heapUsed),
  };
}

const loadAtDetail = loadavg()[0];
// warm-up (JIT) on the smallest target, not reported
runB(1, 1e-2, 1);
for (const scale of [1, 2]) for (const gap of [1e-4, 1e-6, 1e-8]) rows.push(runB(scale, gap, REPEATS));

{
  const start = process.hrtime.bigint();
  const problem = tntpProblem(loadTntpDir(dir), factors);
  const r = solve(problem, "aon");
  rows.push({ label: "AON (free-flow loading + gap)", wallS: seconds(start), iterations: r.iterations, gap: r.relativeGap, beckmann: r.beckmann, heapMiB: mib(process.memoryUsage().heapUsed) });
}
for (const gap of [1e-4]) {
  const start = process.hrtime.bigint();
  const problem = tntpProblem(loadTntpDir(dir), factors);
  const r = solve(problem, "bfw", { gap, maxSeconds: 120 });
  rows.push({
    label: `BFW, demand 1x, gap ${gap.toExponential(0)}${r.converged ? "" : " (time limit)"}`,
    wallS: seconds(start),
    iterations: r.iterations,
    gap: r.relativeGap,
    beckmann: r.beckmann,
    heapMiB: mib(process.memoryUsage().heapUsed),
  });
}

console.log(
  `\nChicagoSketch in one process, generalized cost 0.02·toll + 0.04·length (time incl. reading the files; Algorithm B best of ${REPEATS} runs; load average ${loadAtDetail.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end: on a shared machine compare CPU time)`,
);
console.log("case                                      wall s   cpu s  iters  final gap    Beckmann objective   heap");
for (const r of rows) {
  const cpu = r.cpuS === undefined ? "" : r.cpuS.toFixed(3);
  console.log(
    `${r.label.padEnd(40)} ${r.wallS.toFixed(3).padStart(7)} ${cpu.padStart(7)} ${String(r.iterations).padStart(6)}  ${r.gap.toExponential(2).padEnd(10)} ${r.beckmann.toPrecision(15).padStart(19)}  ${r.heapMiB.padStart(7)}`,
  );
}
const b6 = rows.find((r) => r.label.includes("1x, gap 1e-6") && r.label.startsWith("Algorithm B"));
const b4 = rows.find((r) => r.label.includes("1x, gap 1e-4") && r.label.startsWith("Algorithm B"));
const bfw = rows.find((r) => r.label.startsWith("BFW"));
if (b4 && bfw) console.log(`BFW / Algorithm B wall time to 1e-4: ${(bfw.wallS / b4.wallS).toFixed(1)}×`);
if (b6 && b4) console.log(`Algorithm B 1e-6 / 1e-4 wall time: ${(b6.wallS / b4.wallS).toFixed(2)}×`);

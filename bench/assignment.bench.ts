/**
 * Assignment benchmark on ChicagoSketch (933 nodes, 2,950 links, 387 zones), original and doubled demand:
 * wall and CPU time including file reading to relative gaps 1e-4, 1e-6, 1e-8 with Algorithm B (best of
 * REPEATS runs each, as the machine may be shared); iterations, final gap and objective, memory; AON and BFW on
 * the same network for comparison.
 *
 * External reference figures (single-threaded, same kind of machine; quoted, not measured here):
 *   C Algorithm B: 0.58 s, 0.75 s, 1.24 s to 1e-4, 1e-6, 1e-8; doubled demand 1.15 s, 1.95 s to 1e-4, 1e-6.
 *   C++ BFW: 11 s to 1e-4, 31 s to 1e-6.
 * Needs ../shared/tntp/ChicagoSketch; skips with a message when absent.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { solveAlgorithmB } from "../src/assignment/algorithm-b";
import { tntpProblem } from "../src/assignment/problem";
import { solve } from "../src/assignment/solve";
import { loadTntpDir } from "../src/assignment/tntp";
import { seconds } from "./lib";

const here = dirname(fileURLToPath(import.meta.url));
const dir = resolve(here, "../../shared/tntp/ChicagoSketch");
if (!existsSync(dir)) {
  console.warn(`skipping assignment benchmark: ${dir} is absent`);
  process.exit(0);
}
const factors = { tollFactor: 0.02, distanceFactor: 0.04 };

const C_REFERENCE: Record<string, number> = { "1x 1e-4": 0.58, "1x 1e-6": 0.75, "1x 1e-8": 1.24, "2x 1e-4": 1.15, "2x 1e-6": 1.95 };
const CPP_BFW_REFERENCE: Record<string, number> = { "1e-4": 11, "1e-6": 31 };

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
  ref?: number;
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
  const key = `${scale}x ${gap.toExponential(0)}`;
  return {
    label: `Algorithm B, demand ${scale}x, gap ${gap.toExponential(0)}`,
    wallS,
    cpuS,
    iterations: r.iterations,
    gap: r.relativeGap,
    beckmann: r.beckmann,
    heapMiB: mib(process.memoryUsage().heapUsed),
    ref: C_REFERENCE[key],
  };
}

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
    ref: CPP_BFW_REFERENCE[gap.toExponential(0)],
  });
}

console.log(`ChicagoSketch (time incl. reading the files; Algorithm B best of ${REPEATS} runs; reference = C Algorithm B time quoted from an earlier run, not measured beside this one, so no ratio)`);
console.log("case                                      wall s   cpu s  iters  final gap    Beckmann objective   heap     quoted C reference");
for (const r of rows) {
  const ratio = r.ref === undefined ? "" : `${r.ref} s`;
  const cpu = r.cpuS === undefined ? "" : r.cpuS.toFixed(3);
  console.log(
    `${r.label.padEnd(40)} ${r.wallS.toFixed(3).padStart(7)} ${cpu.padStart(7)} ${String(r.iterations).padStart(6)}  ${r.gap.toExponential(2).padEnd(10)} ${r.beckmann.toPrecision(15).padStart(19)}  ${r.heapMiB.padStart(7)}  ${ratio}`,
  );
}
const b6 = rows.find((r) => r.label.includes("1x, gap 1e-6") && r.label.startsWith("Algorithm B"));
const b4 = rows.find((r) => r.label.includes("1x, gap 1e-4") && r.label.startsWith("Algorithm B"));
const bfw = rows.find((r) => r.label.startsWith("BFW"));
if (b4 && bfw) console.log(`BFW / Algorithm B wall time to 1e-4: ${(bfw.wallS / b4.wallS).toFixed(1)}×`);
if (b6 && b4) console.log(`Algorithm B 1e-6 / 1e-4 wall time: ${(b6.wallS / b4.wallS).toFixed(2)}×`);

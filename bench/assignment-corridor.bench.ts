/**
 * Corridor assignment benchmark: the 2024 corridor demand (data/eurasia/demand/corridors-2024.csv) on the Eurasia
 * network, Algorithm B and bi-conjugate Frank–Wolfe to relative gaps 1e-4 and 1e-6, at the demand as given and
 * doubled (more congestion at crossings). Prints wall time of the solve (problem built once per case, not timed),
 * iterations, final gap and Beckmann objective, and the ratio of BFW's time to Algorithm B's in the same run.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { corridorProblem } from "../src/assignment/corridor";
import { readDemandCsv } from "../src/assignment/corridor-demand";
import { solve } from "../src/assignment/solve";
import { openNetwork } from "../src/network/index";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(here, "../data/eurasia");
const demandFile = resolve(dataDir, "demand/corridors-2024.csv");
if (!existsSync(demandFile)) {
  console.warn(`skipping corridor assignment benchmark: ${demandFile} is absent`);
  process.exit(0);
}

const net = openNetwork(dataDir);
const table = readDemandCsv(demandFile);
const REPEATS = 3;

interface Row {
  label: string;
  medianS: number;
  iterations: number;
  gap: number;
  beckmann: number;
  converged: boolean;
}
const rows: Row[] = [];

for (const scale of [1, 2]) {
  const cp = corridorProblem(net, table, { demandScale: scale });
  for (const gap of [1e-4, 1e-6]) {
    for (const algorithm of ["b", "bfw"]) {
      const times: number[] = [];
      let last = solve(cp.problem, algorithm, { gap, maxIterations: 20_000, maxSeconds: 60 });
      for (let i = 0; i < REPEATS; i++) {
        const t0 = performance.now();
        last = solve(cp.problem, algorithm, { gap, maxIterations: 20_000, maxSeconds: 60 });
        times.push((performance.now() - t0) / 1000);
      }
      times.sort((a, b) => a - b);
      rows.push({
        label: `${scale}x demand, ${algorithm}, gap ${gap.toExponential(0)}`,
        medianS: times[Math.floor(times.length / 2)],
        iterations: last.iterations,
        gap: last.relativeGap,
        beckmann: last.beckmann,
        converged: last.converged,
      });
    }
  }
}

console.log(`network: ${net.graph.nodeCount} nodes, ${net.graph.arcCount} arcs; demand ${table.rows.length} rows; median of ${REPEATS} solves`);
console.log(["case".padEnd(30), "median s".padStart(9), "iter".padStart(6), "gap".padStart(10), "Beckmann".padStart(16), "  reached", "  BFW / B"].join(""));
for (const r of rows) {
  const b = r.label.includes(", bfw,") ? rows.find((x) => x.label === r.label.replace(", bfw,", ", b,")) : undefined;
  console.log(
    [
      r.label.padEnd(30),
      r.medianS.toFixed(3).padStart(9),
      String(r.iterations).padStart(6),
      r.gap.toExponential(2).padStart(10),
      r.beckmann.toPrecision(12).padStart(16),
      (r.converged ? "  yes" : "  no ").padEnd(9),
      b ? `  ${(r.medianS / b.medianS).toFixed(1)}×` : "",
    ].join(""),
  );
}

/**
 * Scenarios on the embedded data/eurasia network (issue 14 targets, 2-core machine):
 *   1. applying a seeded 100-edit scenario as an overlay (target ≤ 20 ms), beside the reference without overlays:
 *      recompiling the network from its records;
 *   2. a full run, baseline and scenario (all-city matrix, corridor assignment to gap 1e-4, country-pair times)
 *      (target ≤ 5 s), and writing its folder;
 *   3. compare of two run folders read from disk (target ≤ 1 s);
 *   4. a 100-variant sweep (10 dwell factors × 10 ferry headways) on worker threads (target ≤ 2 min).
 * Prints figures only; no assertions.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { isCaravanError } from "../src/core/errors";
import { compileNetwork } from "../src/network/build";
import { loadNetwork } from "../src/network/load";
import { applyScenario, compareViews, loadScenario, loadSweep, runScenario, runSweep, type Scenario, viewOfRunFolder, writeRun } from "../src/scenarios/index";
import { rng, seconds } from "./lib";

const ms = (s: number) => (s * 1e3).toFixed(1);

/** CPU seconds of the whole process (all threads) since `start` (a process.cpuUsage() reading). */
const cpuSince = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main(): Promise<void> {
  const dir = "data/eurasia";
  let loaded: ReturnType<typeof loadNetwork>;
  try {
    loaded = loadNetwork(dir);
  } catch (error) {
    if (!isCaravanError(error)) throw error;
    console.warn(`scenarios.bench: SKIPPED — ${dir} does not load: ${error.message.split("\n")[0]}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), "caravan-scenarios-bench-"));
  try {
    let start = process.hrtime.bigint();
    const net = compileNetwork(loaded);
    const compileS = seconds(start);

    // 1. a seeded 100-edit scenario
    const random = rng(14);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const n = net.network;
    const modifications = Array.from({ length: 100 }, (_, i) => {
      const kind = pick(["crossing", "link", "ferry", "terminal"] as const);
      const factor = 0.5 + random();
      const m =
        kind === "crossing"
          ? { target: kind, id: pick(n.crossings).id, scale: { dwellH: factor, capacity: factor } }
          : kind === "link"
            ? { target: kind, id: pick(n.links).id, scale: { speedKmh: factor, tariff: factor } }
            : kind === "ferry"
              ? { target: kind, id: pick(n.ferries).id, scale: { headwayH: factor } }
              : { target: kind, id: pick(n.terminals).id, scale: { dwellH: factor } };
      return { modification: { ...m, assumption: "benchmark" }, file: "bench", line: i + 1, index: i };
    });
    const scenario: Scenario = {
      name: "100 edits",
      description: "",
      file: "bench",
      chain: [],
      year: 2030,
      projectsOn: [],
      projectsOff: [],
      modifications: modifications as Scenario["modifications"],
      demand: null,
      parameters: { valueOfTimeUsdPerH: {} },
    };
    const applyTimes: number[] = [];
    let touched = 0;
    for (let r = 0; r < 30; r++) {
      start = process.hrtime.bigint();
      touched = applyScenario(net, scenario).touchedArcs;
      applyTimes.push(seconds(start));
    }
    applyTimes.sort((a, b) => a - b);
    const recompile: number[] = [];
    for (let r = 0; r < 5; r++) {
      start = process.hrtime.bigint();
      compileNetwork(loaded);
      recompile.push(seconds(start));
    }
    recompile.sort((a, b) => a - b);
    const applyMedian = percentile(applyTimes, 0.5);
    const recompileMedian = percentile(recompile, 0.5);
    console.log(
      `network: ${net.graph.nodeCount} nodes, ${net.graph.arcCount} arcs (compiled in ${ms(compileS)} ms)\n` +
        `apply a 100-edit scenario (${touched} arcs touched): median ${ms(applyMedian)} ms, p90 ${ms(percentile(applyTimes, 0.9))} ms over 30 runs (target ≤ 20 ms)\n` +
        `  reference, recompiling the network instead: median ${ms(recompileMedian)} ms → overlay ${(recompileMedian / applyMedian).toFixed(1)}× faster`,
    );

    // 2. a full run
    const scenarioFile = join(tmp, "reform.yaml");
    writeFileSync(
      scenarioFile,
      `name: Kazakh border reform
year: 2030
modifications:
  - { target: crossing, select: { country: KAZ }, scale: { dwellH: 0.6 }, assumption: "benchmark: dwell -40 % at every Kazakh crossing" }
`,
    );
    start = process.hrtime.bigint();
    let cpu = process.cpuUsage();
    const run = await runScenario(net, scenarioFile);
    const runS = seconds(start);
    const runCpuS = cpuSince(cpu);
    start = process.hrtime.bigint();
    await writeRun(run, join(tmp, "run-a"));
    const writeS = seconds(start);
    console.log(
      `full run (baseline + scenario: ${run.manifest.counts.scenarioPairs} city pairs, assignment of ${(run.manifest.counts.scenarioDemandT / 1e6).toFixed(1)} Mt to gap 1e-4, ${run.manifest.counts.countryPairs} country pairs): ${runS.toFixed(2)} s wall, ${runCpuS.toFixed(2)} s CPU (target ≤ 5 s)\n` +
        `  phases: ${Object.entries(run.timings)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(", ")}\n` +
        `  writing the run folder (CSV + Parquet + GeoJSON): ${writeS.toFixed(2)} s`,
    );

    // 3. compare two run folders
    const other = join(tmp, "other.yaml");
    writeFileSync(other, `name: Bakhty–Ayagoz\nyear: 2030\nprojects: [bakhty-ayagoz]\n`);
    await writeRun(await runScenario(net, loadScenario(other)), join(tmp, "run-b"));
    const compareTimes: number[] = [];
    const compareCpu: number[] = [];
    const readTimes: number[] = [];
    const pairsTimes: number[] = [];
    let changed = 0;
    for (let r = 0; r < 5; r++) {
      start = process.hrtime.bigint();
      cpu = process.cpuUsage();
      const views = [viewOfRunFolder(join(tmp, "run-a")), viewOfRunFolder(join(tmp, "run-b"))];
      readTimes.push(seconds(start));
      const c = compareViews(views[0], views[1]);
      compareTimes.push(seconds(start));
      compareCpu.push(cpuSince(cpu));
      // what --json adds: the changed pairs as objects
      const s = process.hrtime.bigint();
      changed = c.pairs.length;
      pairsTimes.push(seconds(s));
    }
    for (const list of [compareTimes, compareCpu, readTimes, pairsTimes]) list.sort((a, b) => a - b);
    console.log(
      `compare two run folders (read from disk, 2 × ${run.manifest.counts.scenarioPairs} pairs): median ${ms(percentile(compareTimes, 0.5))} ms wall, ${ms(percentile(compareCpu, 0.5))} ms CPU over 5 runs (target ≤ 1 s)\n` +
        `  of which reading the two folders ${ms(percentile(readTimes, 0.5))} ms wall; the ${changed} changed pairs as objects (for --json) ${ms(percentile(pairsTimes, 0.5))} ms more`,
    );

    // 4. a 100-variant sweep
    const sweepFile = join(tmp, "sweep.yaml");
    const dwell = Array.from({ length: 10 }, (_, i) => Number((1 - 0.06 * i).toFixed(2)));
    const headway = Array.from({ length: 10 }, (_, i) => 6 + 6 * i);
    writeFileSync(
      sweepFile,
      `scenario: reform.yaml
grid:
  - name: dwell
    values: [${dwell.join(", ")}]
    modification: { target: crossing, select: { country: KAZ }, scale: { dwellH: $value }, assumption: "benchmark axis" }
  - name: headwayH
    values: [${headway.join(", ")}]
    modification: { target: ferry, id: aktau-alat-ferry, set: { headwayH: $value }, assumption: "benchmark axis" }
`,
    );
    const spec = loadSweep(sweepFile);
    start = process.hrtime.bigint();
    cpu = process.cpuUsage();
    const { workers } = await runSweep(net, spec);
    const sweepS = seconds(start);
    const sweepCpuS = cpuSince(cpu);
    console.log(
      `sweep of ${spec.variants.length} variants on ${workers} worker threads (${availableParallelism()} cores): ${sweepS.toFixed(1)} s wall, ${sweepCpuS.toFixed(1)} s CPU (all threads; /${workers} = ${(sweepCpuS / workers).toFixed(1)} s) (target ≤ 120 s)`,
    );
    console.log(`load average during the benchmark: ${loadavg().map((x) => x.toFixed(1)).join(" / ")} (1/5/15 min) on ${availableParallelism()} cores: wall times above include waiting for other processes`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();

/**
 * Customizable contraction hierarchies on OSM Moscow (../shared/graphs/moscow-roads.{co,gr}.bin, ODbL; loader in
 * bench/lib.ts). One metric-independent build (nested-dissection order by inertial flow + chordal structure), then two
 * metrics customized on it: the Euclidean length and a seeded random metric (length × a factor in [0.5, 3] drawn per
 * arc, so the two directions of a street differ). For each metric: customization time (first and median of 3),
 * one-to-one query median / p99 on 1000 seeded pairs, a 1000 × 1000 bucket matrix, and 10,000 seeded pairs (100
 * sources × 100 targets) checked against plain Dijkstra (mismatch count; equality up to 1e-12 relative rounding).
 * References measured in this same run: the existing contraction hierarchy (ch/build.ts) rebuilt for the random
 * metric — what a new metric costs without customization — with its query median and matrix on the same pairs, and
 * plain Dijkstra's one-to-all time from the exactness check. Targets from issue 12: customization ≤ 2 s, query
 * median ≤ 100 µs, matrix ≤ 1.5 s, preprocessing ≤ 60 s. Skips with a message when the files are absent.
 *
 * First, on the Eurasia network (data/eurasia), where the question is whether a hierarchy pays at all: the whole
 * `caravan matrix --all-cities` process and the share of its Dijkstra searches; the hierarchy's build, customization,
 * one-to-one queries and all-city matrices (distances, the four sums, every cell's arcs) beside Dijkstra, with the break-even count of
 * matrices; how many cells agree bit for bit with Dijkstra's costs and paths; a scenario run's phases and the share
 * of its searches, and the customization of its baseline and scenario states on one structure. `npx tsx
 * bench/cch.bench.ts eurasia` runs this part alone.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { isCaravanError } from "../src/core/errors";
import { buildReverse, INF_WEIGHT } from "../src/graph/csr";
import { accessNode, type CompiledNetwork } from "../src/network/compiled";
import { openNetwork } from "../src/network/open";
import {
  allocateMetric,
  buildContractionHierarchy,
  buildCustomizableHierarchy,
  ChQuery,
  checkCchInvariants,
  checkHierarchyInvariants,
  customizableHierarchyOf,
  customize,
  customizedHierarchy,
  customizeHierarchy,
  nestedDissectionOrder,
} from "../src/routing/ch";
import { RoutingContext } from "../src/routing/context";
import { BidirectionalDijkstraQuery } from "../src/routing/bidirectional";
import { DijkstraQuery, type ShortestPathQuery } from "../src/routing/dijkstra";
import { manyToMany, type PathMatrixProblem, type PathRow, pathSumsMatrix, shortestPathRows } from "../src/routing/matrix";
import { resolveRouteOptions } from "../src/routing/options";
import { applyScenario, extendedNetwork } from "../src/scenarios/apply";
import { loadScenario } from "../src/scenarios/load";
import { cityPairs, runScenario } from "../src/scenarios/run";
import { loadMoscow, MOSCOW_CO_FILE, MOSCOW_GR_FILE, quantile, rng, seconds, timeOneToOne } from "./lib";

const sameDistance = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
const us = (s: number) => `${(s * 1e6).toFixed(0)} µs`;

async function moscow(): Promise<void> {
  if (!existsSync(MOSCOW_CO_FILE) || !existsSync(MOSCOW_GR_FILE)) {
    console.warn(`cch.bench: SKIPPED — ${MOSCOW_CO_FILE} / ${MOSCOW_GR_FILE} not found (the shared benchmark graphs live beside the project in ../shared/graphs).`);
    return;
  }
  let start = process.hrtime.bigint();
  const { graph, weight: lengthWeight, x, y } = loadMoscow();
  console.log(`Moscow roads: ${graph.nodeCount} nodes, ${graph.arcCount} arcs; load + CSR ${seconds(start).toFixed(2)} s`);

  // metric-independent build
  start = process.hrtime.bigint();
  const order = nestedDissectionOrder(graph, x, y);
  const orderS = seconds(start);
  start = process.hrtime.bigint();
  const cch = buildCustomizableHierarchy(graph, order);
  const structureS = seconds(start);
  let triangles = 0;
  let maxUp = 0;
  for (let r = 0; r < cch.nodeCount; r++) {
    const d = cch.firstUp[r + 1] - cch.firstUp[r];
    triangles += (d * (d - 1)) / 2;
    if (d > maxUp) maxUp = d;
  }
  console.log(
    `CCH build (metric-independent, once): nested-dissection order ${orderS.toFixed(1)} s + chordal structure ${structureS.toFixed(2)} s = ` +
      `${(orderS + structureS).toFixed(1)} s (target ≤ 60 s); ${cch.upHead.length} edges, ${triangles} lower triangles, largest upward degree ${maxUp}`,
  );
  start = process.hrtime.bigint();
  const structural = checkCchInvariants(cch, graph);
  console.log(`  structure invariant check: ${structural.length === 0 ? "sound" : `${structural.length} problem(s): ${structural.slice(0, 3).join("; ")}`} [${seconds(start).toFixed(1)} s]`);

  const random = rng(20261205);
  const randomWeight = new Float64Array(graph.arcCount); // [arc] length × factor in [0.5, 3], per direction
  for (let a = 0; a < graph.arcCount; a++) randomWeight[a] = lengthWeight[a] * (0.5 + 2.5 * random());
  const pick = () => Math.floor(random() * graph.nodeCount);
  const pairCount = 1000;
  const pairs = new Uint32Array(2 * pairCount);
  for (let i = 0; i < 2 * pairCount; i++) pairs[i] = pick();
  const size = 1000;
  const sources = new Uint32Array(size);
  const targets = new Uint32Array(size);
  for (let i = 0; i < size; i++) sources[i] = pick();
  for (let i = 0; i < size; i++) targets[i] = pick();
  const checkSources = Uint32Array.from({ length: 100 }, pick);
  const checkTargets = Uint32Array.from({ length: 100 }, pick);

  const metrics: [string, Float64Array][] = [
    ["Euclidean length", lengthWeight],
    ["random metric", randomWeight],
  ];
  const reused = allocateMetric(cch);
  let randomCchQueryMedianS = 0;
  let randomCchMatrixS = 0;
  for (const [name, weight] of metrics) {
    const runs = new Float64Array(3);
    for (let k = 0; k < runs.length; k++) {
      start = process.hrtime.bigint();
      customize(cch, weight, reused);
      runs[k] = seconds(start);
    }
    const firstS = runs[0];
    runs.sort();
    start = process.hrtime.bigint();
    const h = customizedHierarchy(cch, reused);
    const packS = seconds(start);
    console.log(
      `${name}: customization ${firstS.toFixed(2)} s first, ${quantile(runs, 0.5).toFixed(2)} s median of ${runs.length} (target ≤ 2 s), ` +
        `+ ${packS.toFixed(2)} s packing the query hierarchy; ${h.shortcutCount} shortcut weights`,
    );
    const metricProblems = checkCchInvariants(cch, graph, reused, weight);
    const packedProblems = checkHierarchyInvariants(h, graph, weight);
    console.log(`  metric invariant checks: ${metricProblems.length + packedProblems.length === 0 ? "sound" : [...metricProblems, ...packedProblems].slice(0, 3).join("; ")}`);
    const q = new ChQuery(h);
    timeOneToOne(q, pairs.subarray(0, 200)); // JIT warm-up
    const t = timeOneToOne(q, pairs);
    console.log(`  one-to-one (${pairCount} seeded pairs): median ${us(t.medianS)}, p99 ${us(t.p99S)}, mean settled ${t.settled.toFixed(0)} (target median ≤ 100 µs)`);
    start = process.hrtime.bigint();
    const matrix = q.manyToMany(sources, targets);
    const matrixS = seconds(start);
    let unreachable = 0;
    for (let k = 0; k < matrix.length; k++) if (matrix[k] === INF_WEIGHT) unreachable++;
    console.log(`  ${size} × ${size} matrix (buckets, 1 thread): ${matrixS.toFixed(2)} s (target ≤ 1.5 s); ${unreachable} unreachable cells`);
    if (weight === randomWeight) {
      randomCchQueryMedianS = t.medianS;
      randomCchMatrixS = matrixS;
    }
    const dijkstra = new DijkstraQuery(graph, weight);
    let mismatches = 0;
    const examples: string[] = [];
    const oneToAllS = new Float64Array(checkSources.length);
    for (let i = 0; i < checkSources.length; i++) {
      const s = checkSources[i];
      const t0 = process.hrtime.bigint();
      dijkstra.oneToAll(s);
      oneToAllS[i] = seconds(t0);
      for (let j = 0; j < checkTargets.length; j++) {
        const expected = dijkstra.distanceTo(checkTargets[j]);
        const got = q.oneToOne(s, checkTargets[j]);
        if (!sameDistance(got, expected)) {
          mismatches++;
          if (examples.length < 3) examples.push(`${s}→${checkTargets[j]}: CCH ${got}, Dijkstra ${expected}`);
        }
      }
    }
    oneToAllS.sort();
    console.log(
      `  exactness: ${checkSources.length * checkTargets.length} seeded pairs against plain Dijkstra: ${mismatches} mismatches${examples.length ? ` e.g. ${examples.join("; ")}` : ""} ` +
        `(plain Dijkstra one-to-all, measured here: median ${(quantile(oneToAllS, 0.5) * 1e3).toFixed(0)} ms)`,
    );
  }

  // reference measured in this run: a regular CH needs a full preprocessing for the new metric
  start = process.hrtime.bigint();
  const ch = buildContractionHierarchy(graph, randomWeight);
  const chBuildS = seconds(start);
  const chQuery = new ChQuery(ch);
  timeOneToOne(chQuery, pairs.subarray(0, 200));
  const chT = timeOneToOne(chQuery, pairs);
  start = process.hrtime.bigint();
  chQuery.manyToMany(sources, targets);
  const chMatrixS = seconds(start);
  console.log(
    `reference, same run — regular CH (witness-search contraction) for the random metric: preprocessing ${chBuildS.toFixed(1)} s per metric, ` +
      `query median ${us(chT.medianS)} (CCH ${us(randomCchQueryMedianS)}: ×${(randomCchQueryMedianS / chT.medianS).toFixed(1)} the CH time), ` +
      `matrix ${chMatrixS.toFixed(2)} s (CCH ${randomCchMatrixS.toFixed(2)} s: ×${(randomCchMatrixS / chMatrixS).toFixed(1)} the CH time)`,
  );
  console.log(
    "published figures for other machines: RoutingKit's documentation (doc/CustomizableContractionHierarchy.md) states no customization time; " +
      "the CCH paper (Dibbelt, Strasser & Wagner, ACM JEA 2016) reports times for continental graphs on its own hardware — not restated or compared here.",
  );
}

/** CPU seconds of this process (user + system) since `start` (a process.cpuUsage() reading). */
const cpuSince = (start: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
};

/**
 * Median CPU time (seconds, user + system of this process) of `runs` runs of `work`, after one untimed warm-up run.
 * CPU time rather than wall time: the machine's 2 cores are shared with other work, and CPU time is far less
 * disturbed by it (wall times are printed where a whole process or run is timed).
 */
function medianS(runs: number, work: () => void): number {
  work();
  const times = new Float64Array(runs);
  for (let k = 0; k < runs; k++) {
    const c0 = process.cpuUsage();
    work();
    times[k] = cpuSince(c0);
  }
  times.sort();
  return quantile(times, 0.5);
}

const ms = (s: number) => `${(s * 1e3).toFixed(0)} ms`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(" / ");

/**
 * The Eurasia network: what share of `caravan matrix` and of a scenario run is shortest-path time, and what the
 * customizable hierarchy would cost and save there, each beside Dijkstra in this run (medians of 3 after a warm-up).
 */
async function eurasia(): Promise<void> {
  const dir = "data/eurasia";
  let net0: CompiledNetwork;
  try {
    net0 = openNetwork(dir);
  } catch (error) {
    if (!isCaravanError(error)) throw error;
    console.warn(`cch.bench: Eurasia SKIPPED — ${dir} does not load: ${error.message.split("\n")[0]}`);
    return;
  }
  console.log(`load average at start (1 / 5 / 15 min): ${load()} on ${availableParallelism()} cores; times below are CPU time of this process (medians) unless marked wall`);
  const cities = net0.network.places.flatMap((p, i) => (p.kinds.includes("city") ? [i] : []));
  const nodes0 = Uint32Array.from(cities.map(accessNode));
  const n = nodes0.length;
  console.log(`Eurasia (${dir}): ${net0.graph.nodeCount} nodes, ${net0.graph.arcCount} arcs, ${n} cities, ${n * n} cells in the all-city matrix`);

  // 1. caravan matrix --all-cities (default: generalized cost, cost basis where no rates apply)
  const out = join(mkdtempSync(join(tmpdir(), "caravan-cch-bench-")), "m.csv");
  // whole process: CPU time (user + system) from /usr/bin/time where present, else wall time
  const timeTool = existsSync("/usr/bin/time");
  const cli = (basis: string): { wallS: number; cpuS: number } => {
    const args = ["--import", "tsx", "src/cli/main.ts", "matrix", "--all-cities", "--cost-basis", basis, "--out", out];
    const t0 = process.hrtime.bigint();
    const r = timeTool
      ? spawnSync("/usr/bin/time", ["-f", "cpu %U %S", process.execPath, ...args], { encoding: "utf8" })
      : spawnSync(process.execPath, args, { encoding: "utf8" });
    const wallS = seconds(t0);
    if (r.status !== 0) throw new Error(`caravan matrix failed: ${r.stderr}`);
    const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    return { wallS, cpuS: m ? Number(m[1]) + Number(m[2]) : wallS };
  };
  const cliCost = cli("cost");
  const cliRates = cli("rates");
  const cliCostS = cliCost.cpuS;
  const cliRatesS = cliRates.cpuS;
  const ctx0 = new RoutingContext(net0);
  const gen = ctx0.weights(resolveRouteOptions(net0, { criterion: "generalized", cargo: "feu" }));
  const sumColumns = [gen.columns.timeH, gen.columns.costUsd, gen.columns.co2Kg, net0.arcs.distanceKm];
  const dijkstra0 = new DijkstraQuery(net0.graph, gen.weight, { noThrough: net0.noThrough });
  const searchS = medianS(3, () => {
    for (let i = 0; i < n; i++) dijkstra0.oneToMany(nodes0[i], nodes0);
  });
  const walkS = medianS(3, () => manyToMany(dijkstra0, nodes0, nodes0, { sumColumns }));
  console.log(
    `caravan matrix --all-cities (generalized cost, whole process incl. start-up, network from the cache and the CSV), ${timeTool ? "CPU" : "wall"}: ${cliCostS.toFixed(2)} s on the cost basis, ` +
      `${cliRatesS.toFixed(2)} s on the rates basis (the default where the dataset has rate layers: cells priced on the market rates) [wall ${cliCost.wallS.toFixed(2)} / ${cliRates.wallS.toFixed(2)} s]; ` +
      `of which, CPU here: the matrix with time/cost/CO2/km sums (Dijkstra + tree walk) ${ms(walkS)}, ` +
      `the Dijkstra searches alone ${ms(searchS)} (${((100 * searchS) / cliCostS).toFixed(0)} % / ${((100 * searchS) / cliRatesS).toFixed(0)} % of the process)`,
  );

  // 2. the customizable hierarchy on this graph
  const buildS = medianS(3, () => buildCustomizableHierarchy(net0.graph, nestedDissectionOrder(net0.graph, ctx0.nodeLonDeg, ctx0.nodeLatDeg, { noThrough: net0.noThrough }), net0.noThrough));
  const cch0 = customizableHierarchyOf(net0.graph, ctx0.nodeLonDeg, ctx0.nodeLatDeg, net0.noThrough);
  const customizeS = medianS(5, () => customizeHierarchy(cch0, gen.weight));
  const q0 = new ChQuery(customizeHierarchy(cch0, gen.weight));
  const bucketS = medianS(3, () => q0.manyToMany(nodes0, nodes0));
  const bucketSumsS = medianS(3, () => manyToMany(q0, nodes0, nodes0, { sumColumns }));
  const problem0 = { graph: net0.graph, weight: gen.weight, noThrough: net0.noThrough, x: ctx0.nodeLonDeg, y: ctx0.nodeLatDeg };
  // what a scenario run does per cell: the path's arcs, four sums along them, one pass over the arcs' countries
  const consume = (row: PathRow) => {
    let acc = 0;
    for (let j = 0; j < n; j++) {
      if (!row.reachable(j)) continue;
      const path = row.path(j);
      for (let k = path.length - 1; k >= 0; k--) {
        const a = path[k];
        acc += sumColumns[0][a] + sumColumns[1][a] + sumColumns[2][a] + sumColumns[3][a] + net0.arcs.fromCountry[a];
      }
    }
    return acc;
  };
  const exactSumsS = medianS(3, () => pathSumsMatrix(problem0, nodes0, nodes0, sumColumns, "cch"));
  const rowsS = { dijkstra: 0, cch: 0 };
  for (const method of ["dijkstra", "cch"] as const) rowsS[method] = medianS(3, () => shortestPathRows(problem0, nodes0, nodes0, method, (_, row) => consume(row)));
  console.log(
    `customizable hierarchy: build (nested-dissection order + chordal structure, once per graph) ${ms(buildS)}, customization ${(customizeS * 1e3).toFixed(1)} ms per weight column (median of 5); ` +
      `all-city matrix — distances only: Dijkstra ${ms(searchS)}, CCH buckets ${ms(bucketS)} (×${(searchS / bucketS).toFixed(1)}); ` +
      `with the four sums: Dijkstra tree walk ${ms(walkS)}, CCH buckets carrying arc sums ${ms(bucketSumsS)} (×${(walkS / bucketSumsS).toFixed(1)}; sums grouped by shortcuts, ` +
      `so not bit-identical), CCH paths unpacked and summed in Dijkstra's order ${ms(exactSumsS)} (×${(walkS / exactSumsS).toFixed(1)}; bit-identical where the path is the same); ` +
      `every cell's arcs (scenario corridors): Dijkstra tree ${ms(rowsS.dijkstra)}, CCH buckets + unpacking ${ms(rowsS.cch)} (×${(rowsS.dijkstra / rowsS.cch).toFixed(2)})`,
  );
  // one-to-one queries with the path's arcs (what `caravan route` asks): bidirectional Dijkstra (RoutingContext's default) vs CCH
  const random = rng(7);
  const pairCount = 10_000;
  const pairs = Uint32Array.from({ length: 2 * pairCount }, () => nodes0[Math.floor(random() * n)]);
  const bidirectional = new BidirectionalDijkstraQuery(net0.graph, buildReverse(net0.graph), gen.weight, { noThrough: net0.noThrough });
  const oneToOneS = (query: ShortestPathQuery) =>
    medianS(3, () => {
      for (let k = 0; k < pairCount; k++) if (query.oneToOne(pairs[2 * k], pairs[2 * k + 1]) !== INF_WEIGHT) query.pathArcs(pairs[2 * k + 1]);
    }) / pairCount;
  const biS = oneToOneS(bidirectional);
  const chS = oneToOneS(q0);
  console.log(`  one-to-one with the path's arcs, ${pairCount} seeded city pairs: bidirectional Dijkstra ${us(biS)}, CCH ${us(chS)} per query (×${(biS / chS).toFixed(1)})`);
  const amortize = (dijkstraS: number, cchS: number) => {
    const saving = dijkstraS - cchS - customizeS;
    return saving > 0 ? `${Math.ceil(buildS / saving)} matrices to repay the build (saving ${ms(saving)} each after customization)` : `never repaid (CCH + customization ${ms(cchS + customizeS)} ≥ Dijkstra ${ms(dijkstraS)})`;
  };
  console.log(
    `  break-even: distances only ${amortize(searchS, bucketS)}; carried sums ${amortize(walkS, bucketSumsS)}; exact sums ${amortize(walkS, exactSumsS)}; ` +
      `arcs of every cell ${amortize(rowsS.dijkstra, rowsS.cch)}`,
  );

  // agreement with Dijkstra on every cell, generalized cost
  const agreement = (problem: PathMatrixProblem, nodes: Uint32Array) => {
    const dist = { dijkstra: new Float64Array(n * n), cch: new Float64Array(n * n) };
    const paths = { dijkstra: [] as Uint32Array[], cch: [] as Uint32Array[] };
    for (const method of ["dijkstra", "cch"] as const) {
      shortestPathRows(problem, nodes, nodes, method, (i, row) => {
        for (let j = 0; j < n; j++) {
          dist[method][i * n + j] = row.distance(j);
          paths[method][i * n + j] = row.path(j).slice();
        }
      });
    }
    let costDiffer = 0;
    let maxRel = 0;
    let pathDiffer = 0;
    let sumsDiffer = 0;
    let sumsFar = 0;
    for (let c = 0; c < n * n; c++) {
      const a = dist.cch[c];
      const b = dist.dijkstra[c];
      if (a !== b) {
        costDiffer++;
        maxRel = Math.max(maxRel, Math.abs(a - b) / Math.max(1, Math.abs(b)));
      }
      const p = paths.cch[c];
      const q = paths.dijkstra[c];
      if (p.length !== q.length || p.some((x, k) => x !== q[k])) {
        pathDiffer++;
        const fold = (path: Uint32Array, col: ArrayLike<number>) => path.reduceRight((sum, arc) => sum + col[arc], 0);
        if (sumColumns.some((col) => fold(p, col) !== fold(q, col))) sumsDiffer++;
        if (sumColumns.some((col) => Math.abs(fold(p, col) - fold(q, col)) > 1e-9 * Math.max(1, Math.abs(fold(q, col))))) sumsFar++;
      }
    }
    return `costs bit-identical on ${n * n - costDiffer} of ${n * n} cells (the others ${costDiffer}, at most ${maxRel.toExponential(1)} relative: equally short paths whose float sums round apart); ` +
      `paths differ on ${pathDiffer} cells (equally short paths, ties broken differently), of which ${sumsDiffer} with time/cost/CO2/km sums not bit-identical and ${sumsFar} beyond 1e-9 relative`;
  };
  console.log(`  agreement, generalized cost: ${agreement(problem0, nodes0)}`);

  // 3. a scenario run: its phases, and the share of shortest-path searches
  const file = "docs/examples/scenarios/kazakh-border-reform-2030.yaml";
  const scenario = loadScenario(file);
  const runs: number[] = [];
  let timings: Record<string, number> = {};
  const wall: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const run = await runScenario(net0, scenario);
    runs.push(cpuSince(c0));
    wall.push(seconds(t0));
    timings = run.timings;
  }
  wall.sort((a, b) => a - b);
  runs.sort((a, b) => a - b);
  const net = extendedNetwork(net0, [scenario]);
  const ctx = new RoutingContext(net);
  const nodes = Uint32Array.from(cities.map(accessNode));
  const states = [
    ["baseline", applyScenario(net, scenario, { edits: false }).state],
    ["scenario", applyScenario(net, scenario).state],
  ] as const;
  let sideSearchS = 0;
  let sideCityPairsS = 0;
  const overlay: string[] = [];
  const cch = customizableHierarchyOf(net.graph, ctx.nodeLonDeg, ctx.nodeLatDeg, net.noThrough);
  for (const [label, state] of states) {
    const options = resolveRouteOptions(net, { state, criterion: "time", cargo: "feu" });
    const set = ctx.weights(options);
    const dq = new DijkstraQuery(net.graph, set.weight, { noThrough: net.noThrough });
    sideSearchS += medianS(3, () => {
      for (let i = 0; i < n; i++) dq.oneToMany(nodes[i], nodes);
    });
    sideCityPairsS += medianS(3, () => cityPairs(ctx, options));
    const problem = { graph: net.graph, weight: set.weight, noThrough: net.noThrough, x: ctx.nodeLonDeg, y: ctx.nodeLatDeg };
    const dRows = medianS(3, () => shortestPathRows(problem, nodes, nodes, "dijkstra", (_, row) => consume(row)));
    const cRows = medianS(3, () => shortestPathRows(problem, nodes, nodes, "cch", (_, row) => consume(row)));
    const custS = medianS(5, () => customizeHierarchy(cch, set.weight));
    overlay.push(`${label} state: customization ${(custS * 1e3).toFixed(1)} ms on the one structure; arcs of every cell Dijkstra ${ms(dRows)}, CCH ${ms(cRows)}; ${agreement(problem, nodes)}`);
  }
  const half = (s: number) => s / 2;
  console.log(
    `scenario run (${file}, baseline + scenario, city matrix by time, corridor assignment, country-pair times; without writing the folder): CPU ${runs[1].toFixed(2)} s, wall ${wall[1].toFixed(2)} s (medians of 3), ` +
      `wall phases of the last run ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}; ` +
      `city matrix per state ${ms(half(sideCityPairsS))} of which Dijkstra searches ${ms(half(sideSearchS))} (${((100 * sideSearchS) / runs[1]).toFixed(0)} % of the run for both states; ` +
      `the rest is the path walk, the corridor strings and the rows)`,
  );
  for (const line of overlay) console.log(`  ${line}`);
  console.log(`  extended network (the scenario's links added): ${net.graph.nodeCount} nodes, ${net.graph.arcCount} arcs; one structure build ${ms(buildS)} per run would be shared by both states and every sweep variant`);
  console.log(`load average at end: ${load()}`);
}

await eurasia();
if (process.argv[2] !== "eurasia") await moscow();
